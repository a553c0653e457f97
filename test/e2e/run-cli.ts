/** Runs the real command line, as a user would, and returns what it printed and its exit code. */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const CLI = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
const NO_NAME_LOOKUPS = fileURLToPath(new URL("./no-name-lookups.ts", import.meta.url));
// Resolved here, so the command also starts from a working directory outside the project.
const TSX = import.meta.resolve("tsx");

export interface CliResult {
  code: number | null;
  /** The signal that ended the command, when it did not exit by itself. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The child's peak resident memory in kB (VmHWM), when asked for with `measureMemory`. */
  peakRssKb?: number;
}

/** Peak resident memory so far, from /proc (Linux); undefined once the process is gone. */
function peakRssKb(pid: number): number | undefined {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
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

/** Fails the test when the last-resort handler fired: every failure must be handled where it happens. */
function assertNoInternalError(stderr: string, args: string[]): void {
  if (/internal error/.test(stderr)) throw new Error(`${args.join(" ")}: ${stderr.trim()}`);
}

export interface RunOptions {
  measureMemory?: boolean;
  /** The working directory (default: this one). */
  cwd?: string;
  /** Called with the running command, e.g. to signal it. */
  onStart?: (child: ChildProcess) => void;
  /** A file descriptor to give the command as its stdout instead of a pipe read here. */
  stdoutFd?: number;
  /** Environment variables to set for the command, over this process's own. */
  env?: Record<string, string>;
}

export function runCli(args: string[], timeoutMs = 60_000, options: RunOptions = {}): Promise<CliResult> {
  return runGuarded(
    process.execPath,
    ["--import", TSX, "--import", NO_NAME_LOOKUPS, CLI],
    args,
    options.env ?? {},
    timeoutMs,
    options,
  );
}

/** Runs an installed `proxytrust` executable (a shim that starts node) under the same guard. */
export function runInstalledCli(executable: string, args: string[], timeoutMs = 60_000): Promise<CliResult> {
  const guard = `--import ${TSX} --import ${pathToFileURL(NO_NAME_LOOKUPS).href}`;
  return runGuarded(executable, [], args, { NODE_OPTIONS: guard }, timeoutMs);
}

function runGuarded(
  command: string,
  commandPrefix: string[],
  args: string[],
  env: Record<string, string>,
  timeoutMs: number,
  { measureMemory = false, onStart, cwd, stdoutFd }: RunOptions = {},
): Promise<CliResult> {
  const logDir = mkdtempSync(join(tmpdir(), "proxytrust-lookups-"));
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...commandPrefix, ...args], {
      stdio: ["ignore", stdoutFd ?? "pipe", "pipe"],
      cwd,
      env: { ...process.env, ...env, PROXYTRUST_TEST_LOOKUPS: join(logDir, "lookups") },
    });
    onStart?.(child);
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d: Buffer) => (stdout += d));
    child.stderr?.on("data", (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    let peak: number | undefined;
    const sampler = measureMemory
      ? setInterval(() => (peak = peakRssKb(child.pid!) ?? peak), 100)
      : undefined;
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      clearInterval(sampler);
      try {
        assertNoLookups(logDir, args);
        assertNoInternalError(stderr, args);
        resolve({ code, signal, stdout, stderr, ...(peak !== undefined ? { peakRssKb: peak } : {}) });
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
