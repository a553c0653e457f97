/** Reports read back from `--format json` files and `--jsonl` files, for `proxytrust merge`. */
import { z } from "zod";
import { CLAUSE_IDS } from "../clauses.js";
import { COMMANDS, SEVERITIES, STATUSES, type Report } from "../report/model.js";
import { describeIssues } from "../zod-issues.js";

export class ReportFileError extends Error {}

const headers = z.array(z.tuple([z.string(), z.string()]));

const exchange = z.object({
  label: z.string(),
  request: z.object({
    method: z.string(),
    url: z.string(),
    headers,
    body: z.string().optional(),
  }),
  response: z.object({ status: z.number(), headers, bodyExcerpt: z.string().optional() }).optional(),
  error: z.string().optional(),
  belief: z.string().optional(),
  replay: z.union([z.object({ curl: z.string() }), z.object({ cannotReplay: z.string() })]).optional(),
});

const check = z.object({
  // Every id the tool writes is lower-case words joined by hyphens; the text report prints it as read.
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "not a check id (lower-case words joined by hyphens)"),
  clause: z.enum(CLAUSE_IDS),
  status: z.enum(STATUSES),
  severity: z.enum(SEVERITIES),
  title: z.string(),
  summary: z.string(),
  evidence: z.array(exchange),
  fix: z.string().optional(),
  location: z
    .object({ file: z.string().min(1), line: z.int().min(0), column: z.int().min(0).optional() })
    .optional(),
  target: z.string().optional(),
  suppression: z
    .object({ reason: z.string(), expires: z.string().optional(), expired: z.boolean() })
    .optional(),
});

/** What a merge reads of a report: every check, and the facts about each target it covers. */
const facts = {
  proxy: z.string().optional(),
  requests: z.number().optional(),
  durationMs: z.number().optional(),
  couldNotRun: z.string().optional(),
};

const reportSchema = z.object({
  tool: z.literal("proxytrust"),
  command: z.enum(COMMANDS),
  target: z.string(),
  checks: z.array(check),
  ...facts,
  targets: z.array(z.object({ target: z.string(), command: z.enum(COMMANDS), ...facts })).optional(),
});

/**
 * The report as read, once it is known to hold what the formatters rely on; fields the merge does
 * not read pass through unchecked (and unstripped). `where` is the file, or file:line in JSON Lines.
 */
function asReport(value: unknown, where: string): Report {
  const tool = (value as { tool?: unknown } | null)?.tool;
  if (typeof value !== "object" || value === null || tool !== "proxytrust")
    throw new ReportFileError(`${where}: not a proxytrust JSON report`);
  const result = reportSchema.safeParse(value);
  if (!result.success)
    throw new ReportFileError(
      `${where}: not a valid proxytrust report: ${describeIssues(result.error.issues)}`,
    );
  return value as Report;
}

/** One JSON report (pretty-printed or not), or JSON Lines of reports. */
export function parseReports(text: string, file: string): Report[] {
  let whole: unknown;
  try {
    whole = JSON.parse(text);
  } catch {
    whole = undefined;
  }
  if (whole !== undefined) return [asReport(whole, file)];
  const reports: Report[] = [];
  text.split("\n").forEach((line, index) => {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new ReportFileError(`${file}:${index + 1}: not JSON (expected a JSON report or one per line)`);
    }
    reports.push(asReport(value, `${file}:${index + 1}`));
  });
  if (reports.length === 0) throw new ReportFileError(`${file}: no report in it`);
  return reports;
}
