/** Runs the real command line, as a user would, and returns what it printed and its exit code. */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
const NO_NAME_LOOKUPS = fileURLToPath(new URL("./no-name-lookups.ts", import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Fails the test when the command looked up a host name: tests talk to loopback addresses only. */
function assertNoLookups(logDir: string, args: string[]): void {
  let names = "";
  try {
    names = readFileSync(join(logDir, "lookups"), "utf8");
  } catch {
    // no lookup at all
  }
  rmSync(logDir, { recursive: true, force: true });
  const unique = [...new Set(names.split("\n").filter(Boolean))];
  if (unique.length) {
    throw new Error(`the command looked up ${unique.join(", ")} (map it to loopback): ${args.join(" ")}`);
  }
}

export function runCli(args: string[], timeoutMs = 60_000): Promise<CliResult> {
  const logDir = mkdtempSync(join(tmpdir(), "proxytrust-lookups-"));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--import", NO_NAME_LOOKUPS, CLI, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, PROXYTRUST_TEST_LOOKUPS: join(logDir, "lookups") },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      try {
        assertNoLookups(logDir, args);
        resolve({ code, stdout, stderr });
      } catch (err) {
        reject(err as Error);
      }
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

/** `scan` of a running stack with JSON output, its health path and, when it listens on TCP, its origin. */
export function jsonScanArgs(stack: { scanArgs: string[]; healthPath: string; originUrl: string }): string[] {
  return [
    "scan",
    ...stack.scanArgs,
    "--format",
    "json",
    "--health-path",
    stack.healthPath,
    ...(stack.originUrl ? ["--origin", stack.originUrl] : []),
  ];
}
