/** The human report: one line per check, and for failures the evidence and the fix. */
import type { CheckResult, Exchange, Report, Status } from "./model.js";
import { countByStatus, isSuppressed, suppressionNote } from "./model.js";
import { discoveryLines } from "./discovery-text.js";
import { identificationLines } from "./identification-text.js";
import { printable, printableLines } from "./quote.js";

const COLOURS: Record<Status, number> = { pass: 32, fail: 31, warn: 33, skip: 90, error: 35 };

export interface TextOptions {
  colour: boolean;
  /** Show evidence for every check, not only failures and warnings. */
  verbose?: boolean;
}

function paint(text: string, code: number, on: boolean): string {
  return on ? `\x1b[${code}m${text}\x1b[0m` : text;
}

function indent(text: string, prefix: string): string {
  // Most texts are one line, and a report can hold 100,000 of them: no split for those.
  if (!text.includes("\n")) return `${prefix}${text}`;
  return text
    .split("\n")
    .map((line) => `${prefix}${line}`)
    .join("\n");
}

/** The request as sent: request line, headers, and the body with the CSRF token elided. */
export function requestLines(x: Exchange): string[] {
  const lines = [`${x.request.method} ${x.request.url}`];
  for (const [name, value] of x.request.headers) lines.push(`${name}: ${value}`);
  if (x.request.body)
    lines.push(`(body) ${x.request.body.replace(/csrfmiddlewaretoken=[^&]+/, "csrfmiddlewaretoken=…")}`);
  return lines;
}

/** The status and the headers that matter; empty when no response came. */
export function responseLines(x: Exchange): string[] {
  if (!x.response) return [];
  return [`${x.response.status}`, ...x.response.headers.map(([name, value]) => `${name}: ${value}`)];
}

/** The replay line: the curl command, or why there is none. */
export function replayLine(x: Exchange): string | undefined {
  if (!x.replay) return undefined;
  return "curl" in x.replay ? `$ ${x.replay.curl}` : `$ # ${x.replay.cannotReplay}`;
}

export function formatExchange(x: Exchange): string {
  const lines = [
    `# ${x.label}`,
    ...requestLines(x).map((line) => `> ${line}`),
    ...responseLines(x).map((line) => `< ${line}`),
  ];
  if (x.error) lines.push(`! ${x.error}`);
  if (x.belief) lines.push(`= ${x.belief}`);
  const replay = replayLine(x);
  if (replay) lines.push(replay);
  // Headers and bodies came from the network: nothing in them reaches the terminal as a control.
  return lines.map(printable).join("\n");
}

/** Indents each distinct fix once: an audit of a large config repeats one rule's fix thousands of times. */
function fixIndenter(): (fix: string) => string {
  const indented = new Map<string, string>();
  return (fix) => {
    let text = indented.get(fix);
    if (text === undefined) indented.set(fix, (text = indent(fix, "        ")));
    return text;
  };
}

function statusLabel(check: CheckResult, options: TextOptions): string {
  return paint(check.status.toUpperCase().padEnd(5), COLOURS[check.status], options.colour);
}

/** The fix, under its heading, for what needs one: a fail or a warn. */
function fixLines(check: CheckResult, indentFix: (fix: string) => string): string[] {
  return check.fix && (check.status === "fail" || check.status === "warn")
    ? ["      fix:", indentFix(printableLines(check.fix))]
    : [];
}

function formatCheck(check: CheckResult, options: TextOptions, indentFix: (fix: string) => string): string {
  const label = statusLabel(check, options);
  const where = check.location
    ? `${check.target ? `[${printable(check.target)}] ` : ""}${printable(check.location.file)}:${check.location.line}  `
    : check.target
      ? `${printable(check.target)}  `
      : "";
  // Summaries quote what files, logs and servers said; their control characters are shown, not sent.
  const [firstLine, ...rest] = printableLines(check.summary).split("\n");
  const note = suppressionNote(check);
  const suppressed = note === undefined ? "" : `  (${printable(note)})`;
  const lines = [`${label} ${check.id.padEnd(16)} ${where}${firstLine}${suppressed}`];
  if (rest.length) lines.push(indent(rest.join("\n"), "      "));
  const detailed = options.verbose || check.status === "fail" || check.status === "warn";
  if (detailed && check.evidence.length) {
    lines.push("      evidence:");
    for (const x of check.evidence) lines.push(indent(formatExchange(x), "        "));
  }
  lines.push(...fixLines(check, indentFix));
  return lines.join("\n");
}

/**
 * Findings of one rule that differ only in where they are (same status, fix and target, no
 * evidence) are shown as one entry: a rule that holds at 10,000 places reads as one paragraph,
 * not 10,000. Every place is still listed; JSON, SARIF and JUnit keep one result per place.
 */
function groupable(check: CheckResult): string | undefined {
  if (!check.location || check.evidence.length > 0 || check.suppression) return undefined;
  return [check.id, check.status, check.fix ?? "", check.target ?? ""].join("\0");
}

function groupChecks(checks: CheckResult[]): CheckResult[][] {
  const groups = new Map<string | CheckResult, CheckResult[]>();
  for (const check of checks) {
    const key = groupable(check) ?? check;
    const group = groups.get(key);
    if (group) group.push(check);
    else groups.set(key, [check]);
  }
  return [...groups.values()];
}

/** 12,345: by hand, since the first toLocaleString() of a process loads ICU's number formats (tens of ms). */
function withThousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+$)/g, ",");
}

/** A group's places under each distinct summary: `file:line  summary` alone, or the summary over its files' lines. */
function formatGroup(group: CheckResult[], options: TextOptions, indentFix: (fix: string) => string): string {
  const first = group[0]!;
  const label = statusLabel(first, options);
  const target = first.target ? `[${printable(first.target)}] ` : "";
  const lines = [
    `${label} ${first.id.padEnd(16)} ${target}${withThousands(group.length)} places: ${printable(first.title)}`,
  ];
  const bySummary = new Map<string, Map<string, number[]>>();
  for (const check of group) {
    let files = bySummary.get(check.summary);
    if (!files) bySummary.set(check.summary, (files = new Map()));
    const { file, line } = check.location!;
    const fileLines = files.get(file);
    if (fileLines) fileLines.push(line);
    else files.set(file, [line]);
  }
  // Made printable once per distinct summary and file, not once per place.
  for (const [summary, files] of bySummary) {
    const [only] = files.values();
    if (files.size === 1 && only!.length === 1) {
      const file = printable(files.keys().next().value!);
      lines.push(indent(`${file}:${only![0]!}  ${printableLines(summary)}`, "      "));
      continue;
    }
    lines.push(indent(printableLines(summary), "      "));
    for (const [file, fileLines] of files) lines.push(`        ${printable(file)}:${fileLines.join(", ")}`);
  }
  lines.push(...fixLines(first, indentFix));
  return lines.join("\n");
}

/** "2 suppressed" for the tally: results counted by their status that the exit code leaves out. */
function suppressedCount(report: Report): string[] {
  const n = report.checks.filter((c) => c.status !== "pass" && isSuppressed(c)).length;
  return n ? [`${n} suppressed`] : [];
}

export function formatText(report: Report, options: TextOptions): string {
  const facts = [
    report.proxy ? `proxy: ${printable(report.proxy)}` : "",
    report.requests !== undefined ? `${report.requests} requests` : "",
    report.durationMs !== undefined ? `${(report.durationMs / 1000).toFixed(2)} s` : "",
    report.incomplete ? `incomplete: ${printable(report.incomplete)}` : "",
  ].filter(Boolean);
  const head = `proxytrust ${report.command} ${printable(report.target)}${facts.length ? `  (${facts.join(", ")})` : ""}`;
  const counts = countByStatus(report);
  const tally = (Object.keys(counts) as Status[])
    .filter((s) => counts[s] > 0)
    .map((s) => paint(`${counts[s]} ${s}`, COLOURS[s], options.colour))
    .concat(suppressedCount(report))
    .join(", ");
  const indentFix = fixIndenter();
  const body = report.checks.length
    ? groupChecks(report.checks)
        .map((group) =>
          group.length === 1
            ? formatCheck(group[0]!, options, indentFix)
            : formatGroup(group, options, indentFix),
        )
        .join("\n")
    : "no findings";
  // Server headers, file names and environment values: shown, never obeyed by the terminal.
  const opening = [
    ...(report.discovery ? [discoveryLines(report.discovery)] : []),
    ...(report.identified ? [identificationLines(report)] : []),
  ]
    .map((block) => `${block.map(printable).join("\n")}\n\n`)
    .join("");
  return `${head}\n\n${opening}${body}\n${tally ? `\n${tally}\n` : ""}`;
}
