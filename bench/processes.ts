/**
 * Whole-process measurements of the built CLI: wall time (median of several runs) and peak resident
 * memory, reported beside a baseline process run the same number of times in the same loop so the
 * ratio means the same on a fast or a loaded machine.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

export const BUILT_CLI = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const USAGE_REPORTER = fileURLToPath(new URL("./usage-reporter.mjs", import.meta.url));

export interface ProcessRun {
  ms: number;
  status: number | null;
  stdout: string;
  stderr: string;
}

/** One process, timed from spawn to exit. */
export function runProcess(args: string[]): ProcessRun {
  const started = performance.now();
  const child = spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 1 << 28 });
  const ms = performance.now() - started;
  return { ms, status: child.status, stdout: child.stdout, stderr: child.stderr };
}

/** One process with its peak resident memory and CPU time, which a preloaded reporter writes as it exits. */
export function runMeasuredProcess(args: string[]): ProcessRun & { peakRssMb: number; cpuMs: number } {
  const dir = mkdtempSync(join(tmpdir(), "proxytrust-bench-"));
  const usageFile = join(dir, "usage.json");
  try {
    const started = performance.now();
    const child = spawnSync(process.execPath, ["--import", USAGE_REPORTER, ...args], {
      env: { ...process.env, PROXYTRUST_BENCH_USAGE_FILE: usageFile },
      encoding: "utf8",
      maxBuffer: 1 << 30,
    });
    const ms = performance.now() - started;
    const usage = existsSync(usageFile)
      ? (JSON.parse(readFileSync(usageFile, "utf8")) as { maxRssKb: number; cpuMs: number })
      : { maxRssKb: NaN, cpuMs: NaN };
    return {
      ms,
      peakRssMb: usage.maxRssKb / 1024,
      cpuMs: usage.cpuMs,
      status: child.status,
      stdout: child.stdout,
      stderr: child.stderr,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  // An even count has two middle values: their mean, not the upper one.
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Median wall time of each process, the runs interleaved so load changes hit all of them alike;
 * `onRun` sees each run that exited 0, e.g. to read what it printed.
 */
export function medianTimes(
  commands: Record<string, string[]>,
  runs: number,
  onRun?: (name: string, run: ProcessRun) => void,
): Record<string, number> {
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (let i = 0; i < runs; i++)
    for (const [name, args] of Object.entries(commands)) {
      const run = runProcess(args);
      if (run.status !== 0) throw new Error(`${name} exited with ${run.status}: ${run.stderr.trim()}`);
      onRun?.(name, run);
      times[name]!.push(run.ms);
    }
  return Object.fromEntries(Object.entries(times).map(([name, ms]) => [name, median(ms)]));
}

/**
 * A figure rounded away from its goal, so a miss never prints as the goal itself: 24.97 targets/s
 * against "at least 25" shows 24.9, and x1.253 against "at most x1.25" shows x1.26.
 */
export function roundedAgainst(value: number, digits: number, goal: "at-least" | "at-most"): string {
  const scale = 10 ** digits;
  const round = goal === "at-least" ? Math.floor : Math.ceil;
  // toFixed(6) first: 1.25 * 100 is 125.00000000000001 in floating point, which must not show as 1.26.
  return (round(Number((value * scale).toFixed(6))) / scale).toFixed(digits);
}

/** `figure (goal): ok|MISSED`, the one line format every benchmark figure uses. */
export function verdict(figure: string, goal: string, met: boolean): string {
  return `${figure} (goal ${goal}): ${met ? "ok" : "MISSED"}`;
}
