/** Runs the real command line, as a user would, and returns what it printed and its exit code. */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", CLI, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface JsonCheck {
  id: string;
  status: string;
  summary: string;
  evidence: unknown[];
  fix?: string;
}

export function statuses(stdout: string): Record<string, string> {
  const report = JSON.parse(stdout) as { checks: JsonCheck[] };
  return Object.fromEntries(report.checks.map((c) => [c.id, c.status]));
}
