/** A whole doctor run: the live scan, the audit of the files given (if any), the diagnosis. */
import { resolve } from "node:path";
import type { Report } from "../report/model.js";
import type { ScanOptions } from "../scan/options.js";
import { runScan } from "../scan/run.js";
import { runAudit, type AuditFiles } from "../static/audit.js";
import { doctorReport } from "./diagnose.js";

/** The audit's inputs that are proxy configs: with none of them, static silence proves nothing. */
const PROXY_FILE_KEYS = ["nginx", "caddy", "haproxy", "traefik"] as const;

export interface DoctorOutcome {
  report: Report;
  couldNotRun?: string;
  /** Set when files were given but none could be read: the diagnosis stands on the scan alone. */
  auditProblem?: string;
  /** Files read only in part or not at all, one line each: their causes may be missing. */
  fileProblems: string[];
}

export async function runDoctor(
  target: URL,
  options: ScanOptions,
  files: AuditFiles,
): Promise<DoctorOutcome> {
  const given = Object.values(files).some(Boolean);
  const [scan, audit] = await Promise.all([runScan(target, options), given ? runAudit(files) : undefined]);
  if (scan.couldNotRun) return { report: scan.report, couldNotRun: scan.couldNotRun, fileProblems: [] };
  const problems = (audit?.report.checks ?? []).filter((c) => c.id === "config-error");
  const unreadFiles = new Set(problems.flatMap((c) => (c.location ? [resolve(c.location.file)] : [])));
  // A proxy config that was read in part proves nothing by its silence, like one not given.
  const auditedProxy = PROXY_FILE_KEYS.some((key) => {
    const file = files[key];
    return file !== undefined && !unreadFiles.has(resolve(file));
  });
  return {
    fileProblems: problems.map((c) =>
      c.location ? `${c.location.file}:${c.location.line}: ${c.summary}` : c.summary,
    ),
    report: doctorReport({
      scan: scan.report,
      ...(audit && !audit.couldNotRun ? { audit: audit.report } : {}),
      auditedProxy: auditedProxy && audit?.couldNotRun === undefined,
    }),
    ...(audit?.couldNotRun ? { auditProblem: audit.couldNotRun } : {}),
  };
}
