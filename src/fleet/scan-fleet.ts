/**
 * Scans many targets: a bounded number at once, every request passing its host's politeness limiter,
 * each report handed on as soon as its target is done, and one combined report at the end.
 */
import type { Report } from "../report/model.js";
import type { RequestGate, ScanOptions } from "../scan/options.js";
import { runScan } from "../scan/run.js";
import { combineReports } from "./combine.js";
import { HostLimiterPool, type PolitenessLimits } from "./host-limiter.js";

export interface FleetTarget {
  url: URL;
  options: ScanOptions;
}

export interface FleetOptions {
  /** Targets scanned at once. */
  concurrency: number;
  politeness: PolitenessLimits;
  /** Applied to each report before anything else sees it, e.g. the config file's suppressions. */
  finish?: (report: Report) => Report;
  /** Called with each finished report, in completion order (e.g. to write a JSONL line). */
  onReport?: (report: Report) => void;
  /** Admits every request of every scan (default: a per-host limiter pool with `politeness`). */
  gate?: RequestGate;
  /** Keep the evidence of passing and skipped checks in the summary too (it costs memory per target). */
  keepAllEvidence?: boolean;
  /** Once aborted, no further target is started; those running end with what they decided. */
  stop?: AbortSignal;
}

export interface FleetOutcome {
  /** Every target's results, combined; see combine.ts. */
  summary: Report;
  scanned: number;
  couldNotRun: number;
}

/**
 * The part of a report the summary keeps, so memory grows by little per target: what combining
 * reads (not the identification or smoke test) and evidence only where a reader needs it.
 */
export function forSummary(report: Report, keepAllEvidence: boolean): Report {
  const { identified: _identified, smokeTest: _smokeTest, ...kept } = report;
  if (keepAllEvidence) return kept;
  return {
    ...kept,
    checks: report.checks.map((check) =>
      check.status === "pass" || check.status === "skip" ? { ...check, evidence: [] } : check,
    ),
  };
}

export async function scanFleet(
  targets: readonly FleetTarget[],
  options: FleetOptions,
): Promise<FleetOutcome> {
  const started = performance.now();
  const gate = options.gate ?? new HostLimiterPool(options.politeness).gate;
  const kept: Report[] = new Array(targets.length);
  let next = 0;
  let couldNotRun = 0;

  const scanOne = async (target: FleetTarget): Promise<Report> => {
    const outcome = await runScan(target.url, { ...target.options, requestGate: gate });
    const report = outcome.couldNotRun
      ? { ...outcome.report, couldNotRun: outcome.couldNotRun }
      : outcome.report;
    return options.finish ? options.finish(report) : report;
  };

  const worker = async (): Promise<void> => {
    while (next < targets.length && !options.stop?.aborted) {
      const index = next++;
      const report = await scanOne(targets[index] as FleetTarget);
      if (report.couldNotRun !== undefined) couldNotRun += 1;
      options.onReport?.(report);
      // Kept in input order, so the summary does not depend on timing.
      kept[index] = forSummary(report, options.keepAllEvidence ?? false);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency, targets.length));
  await Promise.all(Array.from({ length: workers }, worker));

  return {
    // Targets never started (the run was stopped) leave holes; the summary covers those scanned.
    summary: combineReports(
      kept.filter((report) => report !== undefined),
      Math.round(performance.now() - started),
    ),
    scanned: targets.length - couldNotRun,
    couldNotRun,
  };
}
