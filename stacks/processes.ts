import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync, rmSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";

export interface ManagedProcess {
  readonly name: string;
  readonly logPath: string;
  /** Resolves with a short description ("exited with code 1") once the process is gone. */
  readonly exited: Promise<string>;
  /** Sends `stopSignal` to the process group, then SIGKILL after a grace period. Idempotent. */
  stop(): Promise<void>;
}

// Everything still alive or on disk when this Node process ends, whatever way it ends.
const liveGroups = new Set<number>();
const tempDirs = new Set<string>();
let exitHandlersInstalled = false;

/** Sends `sig` to a process (pid > 0) or a process group (pid < 0); false when it no longer exists. */
function signal(pid: number, sig: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}

function killGroup(pid: number, sig: NodeJS.Signals): void {
  signal(-pid, sig);
}

/** Waits (briefly) until no process of the group is left, so its sockets are closed. */
async function groupGone(pid: number): Promise<void> {
  for (let i = 0; i < 100 && signal(-pid, 0); i++) await delay(20);
}

function cleanUpNow(): void {
  for (const pid of liveGroups) killGroup(pid, "SIGKILL");
  liveGroups.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

function installExitHandlers(): void {
  if (exitHandlersInstalled) return;
  exitHandlersInstalled = true;
  process.on("exit", cleanUpNow);
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(sig, () => {
      cleanUpNow();
      // Let the signal do what it would have done without us, unless someone else handles it.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    });
  }
}

/** Removes `dir` when the process exits, unless `forgetTempDir` was called first. */
export function registerTempDir(dir: string): void {
  installExitHandlers();
  tempDirs.add(dir);
}

export function forgetTempDir(dir: string): void {
  tempDirs.delete(dir);
}

export interface SpawnOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  logPath: string;
  stopSignal?: NodeJS.Signals;
}

/**
 * Starts a server in its own process group (so its workers can be killed with it), with stdout and
 * stderr appended to `logPath`. A running child does not keep Node alive (the exit handler kills it
 * if the caller never stops it); a stopping one does, so that awaiting its exit works.
 */
export function spawnManaged(
  name: string,
  command: string,
  args: string[],
  opts: SpawnOptions,
): ManagedProcess {
  installExitHandlers();
  const log = openSync(opts.logPath, "a");
  const child = spawn(command, args, {
    cwd: opts.cwd,
    env: opts.env,
    stdio: ["ignore", log, log],
    detached: true,
  });
  closeSync(log);
  child.unref();
  const pid = child.pid;
  if (pid !== undefined) liveGroups.add(pid);

  const exited = new Promise<string>((resolve) => {
    child.once("error", (error) => resolve(`failed to start: ${error.message}`));
    child.once("exit", (code, signal) =>
      resolve(signal ? `killed by ${signal}` : `exited with code ${code}`),
    );
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (pid === undefined) return;
      child.ref();
      // Only the master: it stops its own workers. Signalling them too can deadlock a gunicorn gthread
      // worker, whose quit handler re-enters itself when SIGINT and the master's SIGQUIT both arrive.
      signal(pid, opts.stopSignal ?? "SIGTERM");
      const grace = new AbortController();
      await Promise.race([exited, delay(5_000, undefined, { signal: grace.signal }).catch(() => {})]);
      grace.abort(); // a pending grace timer would keep Node alive for nothing
      killGroup(pid, "SIGKILL"); // a master that hung, or workers that outlived it
      await exited;
      await groupGone(pid);
      liveGroups.delete(pid);
    })();
    return stopping;
  };

  return { name, logPath: opts.logPath, exited, stop };
}

/** The last `lines` lines of a log file, for error messages. */
export function logTail(path: string, lines = 40): string {
  try {
    return readFileSync(path, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/** A stack's work directory and the servers started in it. */
export interface StackRun {
  readonly workDir: string;
  /** The servers, in the order they were started. */
  readonly processes: ManagedProcess[];
  /** Stops the servers, the last started first, and removes workDir; idempotent. */
  stop(): Promise<void>;
}

/**
 * Calls `start` with a fresh work directory (proxytrust-`name`-*, with logs/ inside). When `start`
 * fails, stops what it started and throws "`failure`: why" followed by the tail of each server's log.
 */
export async function runStack<T>(
  name: string,
  failure: string,
  start: (run: StackRun) => Promise<T>,
): Promise<T> {
  const workDir = await mkdtemp(join(tmpdir(), `proxytrust-${name}-`));
  registerTempDir(workDir);
  // nginx's and apache's workers run as www-data: nginx's need their temp dirs in here, apache's the
  // gunicorn socket.
  await chmod(workDir, 0o711);
  await mkdir(join(workDir, "logs"));

  const processes: ManagedProcess[] = [];
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      // The proxy first, so nothing is forwarded to a dying gunicorn.
      for (const p of [...processes].reverse()) await p.stop();
      await rm(workDir, { recursive: true, force: true });
      forgetTempDir(workDir);
    })();
    return stopping;
  };

  try {
    return await start({ workDir, processes, stop });
  } catch (error) {
    const logs = processes.map((p) => `--- ${p.name} (${p.logPath}) ---\n${logTail(p.logPath)}`).join("\n");
    await stop();
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${failure}: ${message}${logs ? `\n${logs}` : ""}`, { cause: error });
  }
}
