/**
 * `proxytrust audit --nginx` of generated configurations, whole processes of the built CLI: 10,000
 * and 100,000 server blocks in both shapes of nginx-config.ts, wall time, CPU time and peak memory.
 * Goals: 10,000 blocks in <= 1.0 s and <= 200 MB; 100,000 in <= 10x the CPU time of 10,000.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SHAPES, writeNginxConfig, type Shape } from "./nginx-config.js";
import { BUILT_CLI, median, roundedAgainst, runMeasuredProcess, verdict } from "./processes.js";

const SMALL = 10_000;
const LARGE = 100_000;
const RUNS_SMALL = 3;
const GOAL = { ms: 1000, mb: 200, growth: 10 };

/** exit 0 (nothing found) and 1 (findings) are audits that ran; anything else is a failure. */
function audit(main: string) {
  const run = runMeasuredProcess([BUILT_CLI, "audit", "--nginx", main]);
  if (run.status !== 0 && run.status !== 1)
    throw new Error(`audit of ${main} ended with ${run.status ?? "a signal"}: ${run.stderr.trim()}`);
  return run;
}

/** "x0.8 the goal": how far a figure is from its goal, comparable across machines and runs. */
function ofGoal(value: number, goal: number): string {
  return `x${roundedAgainst(value / goal, 2, "at-most")} the goal`;
}

function benchShape(shape: Shape, dir: string): void {
  const small = writeNginxConfig(shape, SMALL, join(dir, `${shape}-${SMALL}`));
  const runs = Array.from({ length: RUNS_SMALL }, () => audit(small.main));
  const ms = median(runs.map((r) => r.ms));
  const cpuMs = median(runs.map((r) => r.cpuMs));
  const mb = Math.max(...runs.map((r) => r.peakRssMb));
  const label = `audit --nginx ${shape}`;
  console.log(
    verdict(
      `${label} ${SMALL} server blocks (${(small.bytes / 1e6).toFixed(1)} MB): ${ms.toFixed(0)} ms wall (CPU ${cpuMs.toFixed(0)} ms), median of ${RUNS_SMALL}, ${ofGoal(ms, GOAL.ms)}`,
      `<= ${GOAL.ms} ms`,
      ms <= GOAL.ms,
    ),
  );
  console.log(
    verdict(
      `${label} ${SMALL} server blocks: peak RSS ${mb.toFixed(0)} MB, ${ofGoal(mb, GOAL.mb)}`,
      `<= ${GOAL.mb} MB`,
      mb <= GOAL.mb,
    ),
  );
  const large = writeNginxConfig(shape, LARGE, join(dir, `${shape}-${LARGE}`));
  const run = audit(large.main);
  // CPU time, not wall: on a shared machine the wall time of a long run grows with everyone else's load.
  const growth = run.cpuMs / cpuMs;
  console.log(
    verdict(
      `${label} ${LARGE} server blocks (${(large.bytes / 1e6).toFixed(1)} MB): ${run.ms.toFixed(0)} ms wall (CPU ${run.cpuMs.toFixed(0)} ms), peak RSS ${run.peakRssMb.toFixed(0)} MB, x${roundedAgainst(growth, 1, "at-most")} the CPU time of ${SMALL}`,
      `<= x${GOAL.growth}`,
      growth <= GOAL.growth,
    ),
  );
}

const dir = mkdtempSync(join(tmpdir(), "proxytrust-audit-bench-"));
try {
  for (const shape of SHAPES) benchShape(shape, dir);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
