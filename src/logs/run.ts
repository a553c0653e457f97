/** `proxytrust logs`: the probe middleware's request log judged, as one report. */
import type { Readable } from "node:stream";
import { renderFix } from "../fix-text.js";
import type { CheckResult, Report } from "../report/model.js";
import { VERSION } from "../version.js";
import { LOG_CHECKS } from "./checks/index.js";
import { readLogRecords } from "./records.js";
import { analyseTraffic } from "./traffic.js";

export interface LogsOutcome {
  report: Report;
  couldNotRun?: string;
}

export async function runLogs(input: Readable, source: string): Promise<LogsOutcome> {
  const { records, unreadable } = await readLogRecords(input);
  const traffic = analyseTraffic(records);
  const checks = records.length
    ? LOG_CHECKS.flatMap((check) =>
        check.judge(traffic).map((j): CheckResult => {
          const clause = j.clause ?? check.clause;
          return {
            id: j.id ?? check.id,
            clause,
            status: j.status,
            severity: check.severity,
            title: check.title,
            summary: j.summary,
            evidence: j.evidence,
            ...(j.line !== undefined ? { location: { file: source, line: j.line } } : {}),
            ...(j.status === "fail" || j.status === "warn" ? { fix: renderFix(clause) } : {}),
          };
        }),
      )
    : [];
  const report: Report = {
    tool: "proxytrust",
    version: VERSION,
    command: "logs",
    target: source,
    checks,
    requests: records.length,
  };
  const broken = unreadable.length
    ? ` (${unreadable.length} marked lines could not be read, first at line ${unreadable[0]})`
    : "";
  if (!records.length)
    return {
      report,
      couldNotRun: `${source} has no proxytrust request lines${broken}; set PROXYTRUST_PROBE_LOG=1 in the app's environment (docs/probe.md)`,
    };
  return { report };
}
