/**
 * Reports of many targets joined into one report, so every output format works over a fleet: each
 * check names its target, and `targets` lists what was scanned. Combined reports combine again.
 */
import { VERSION } from "../version.js";
import { decidedNothing, type CheckResult, type Report, type TargetSummary } from "../report/model.js";

function summaryOf(report: Report): TargetSummary {
  return {
    target: report.target,
    command: report.command,
    ...(report.proxy !== undefined ? { proxy: report.proxy } : {}),
    ...(report.requests !== undefined ? { requests: report.requests } : {}),
    ...(report.durationMs !== undefined ? { durationMs: report.durationMs } : {}),
    ...(report.couldNotRun !== undefined ? { couldNotRun: report.couldNotRun } : {}),
  };
}

/** The report's checks with their target named, and what it covered. */
export function targetParts(report: Report): { targets: TargetSummary[]; checks: CheckResult[] } {
  if (report.targets) return { targets: report.targets, checks: report.checks };
  return {
    targets: [summaryOf(report)],
    checks: report.checks.map((check) => ({ ...check, target: check.target ?? report.target })),
  };
}

/**
 * The reports without those identical to one before them: the same file named twice, or a shard's
 * JSONL given beside a merge that already holds it, would list every result twice.
 */
export function distinctReports(reports: readonly Report[]): { reports: Report[]; repeated: number } {
  const seen = new Set<string>();
  const distinct = reports.filter((report) => {
    const key = JSON.stringify(report);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { reports: distinct, repeated: reports.length - distinct.length };
}

/** One report over all `parts`; `durationMs` is the wall time when known (a fleet scan), else the sum. */
export function combineReports(parts: readonly Report[], durationMs?: number): Report {
  const targets: TargetSummary[] = [];
  const checks: CheckResult[] = [];
  for (const part of parts) {
    const split = targetParts(part);
    targets.push(...split.targets);
    checks.push(...split.checks);
  }
  const sum = (values: (number | undefined)[]) => values.reduce<number>((total, v) => total + (v ?? 0), 0);
  // An audit has neither: a merge of audits is not "0 requests, 0.00 s".
  const sumOf = (key: "requests" | "durationMs") =>
    targets.some((t) => t[key] !== undefined) ? sum(targets.map((t) => t[key])) : undefined;
  const requests = sumOf("requests");
  const duration = durationMs ?? sumOf("durationMs");
  const unreachable = targets.filter((t) => t.couldNotRun !== undefined).length;
  return {
    tool: "proxytrust",
    version: VERSION,
    // A merge of scans and audits keeps the first input's command; each target records its own.
    command: parts[0]?.command ?? "scan",
    target: `${targets.length} target${targets.length === 1 ? "" : "s"}${unreachable ? ` (${unreachable} could not be scanned)` : ""}`,
    checks,
    ...(requests !== undefined ? { requests } : {}),
    ...(duration !== undefined ? { durationMs: duration } : {}),
    targets,
  };
}

/** True when the report covers targets and none of them could be scanned. */
export function nothingScanned(report: Report): boolean {
  const targets = report.targets ?? [summaryOf(report)];
  return targets.length > 0 && targets.every((t) => t.couldNotRun !== undefined);
}

/**
 * Whether some target decided something: a result other than error or skip, or an audit that ran
 * and found nothing (its files were read cleanly; its JSON then holds no result at all).
 */
export function decidedAny(report: Report): boolean {
  if (!decidedNothing(report)) return true;
  const judged = new Set(report.checks.map((c) => c.target));
  return (report.targets ?? []).some(
    (t) => t.command === "audit" && t.couldNotRun === undefined && !judged.has(t.target),
  );
}
