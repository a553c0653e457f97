/** Reports read back from `--format json` files and `--jsonl` files, for `proxytrust merge`. */
import type { Report } from "../report/model.js";

export class ReportFileError extends Error {}

function isReport(value: unknown): value is Report {
  const r = value as Partial<Report> | null;
  return (
    typeof r === "object" &&
    r !== null &&
    r.tool === "proxytrust" &&
    typeof r.target === "string" &&
    typeof r.command === "string" &&
    Array.isArray(r.checks)
  );
}

/** One JSON report (pretty-printed or not), or JSON Lines of reports. */
export function parseReports(text: string, file: string): Report[] {
  let whole: unknown;
  try {
    whole = JSON.parse(text);
  } catch {
    whole = undefined;
  }
  if (whole !== undefined) {
    if (!isReport(whole)) throw new ReportFileError(`${file}: not a proxytrust JSON report`);
    return [whole];
  }
  const reports: Report[] = [];
  text.split("\n").forEach((line, index) => {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new ReportFileError(`${file}:${index + 1}: not JSON (expected a JSON report or one per line)`);
    }
    if (!isReport(value)) throw new ReportFileError(`${file}:${index + 1}: not a proxytrust JSON report`);
    reports.push(value);
  });
  if (reports.length === 0) throw new ReportFileError(`${file}: no report in it`);
  return reports;
}
