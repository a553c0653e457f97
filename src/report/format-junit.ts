/**
 * JUnit XML for CI test dashboards: one testcase per clause (scan) or finding (audit).
 * fail is a failure, error an error, skip skipped; warn is a failure only under --fail-on warn, and
 * a suppressed result is skipped, so the dashboard agrees with the exit code (docs/reports.md).
 */
import { formatExchange } from "./format-text.js";
import { escapeMarkup } from "./markup.js";
import {
  isFailing,
  isSuppressed,
  suppressionNote,
  type CheckResult,
  type FailOn,
  type Report,
} from "./model.js";

export interface JunitOptions {
  failOn: FailOn;
}

function attributes(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => ` ${name}="${escapeMarkup(String(value))}"`)
    .join("");
}

/** The summary, the exchanges that decided it and the fix, as plain text. */
function details(check: CheckResult): string {
  const parts = [check.summary];
  const note = suppressionNote(check);
  if (note) parts.push(`(${note})`);
  if (check.location) parts.push(`at ${check.location.file}:${check.location.line}`);
  if (check.evidence.length) parts.push(`evidence:\n${check.evidence.map(formatExchange).join("\n\n")}`);
  if (check.fix) parts.push(`fix:\n${check.fix}`);
  return parts.join("\n\n");
}

function firstLine(text: string): string {
  return text.split("\n", 1)[0] ?? "";
}

type Outcome = "failure" | "error" | "skipped" | "warning" | "passed";

/**
 * A suppressed result is skipped, as it is left out of the exit code; otherwise errors stay JUnit
 * errors whatever --fail-on says, and a warn is a failure only when --fail-on makes it one.
 */
function outcomeOf(check: CheckResult, failOn: FailOn): Outcome {
  if (check.status === "pass") return "passed";
  if (check.status === "skip" || isSuppressed(check)) return "skipped";
  if (check.status === "error") return "error";
  return isFailing(check.status, failOn) ? "failure" : "warning";
}

function testcase(check: CheckResult, outcome: Outcome, report: Report): string {
  // Audit findings are grouped by the file they are in; scan clauses by the scanned URL.
  const head = `<testcase${attributes({
    classname: check.location?.file ?? check.target ?? report.target,
    name: check.location ? `${check.id} (line ${check.location.line})` : check.id,
  })}`;
  const message = firstLine(check.summary);
  let body = "";
  if (outcome === "failure")
    body = `<failure${attributes({ message, type: check.status })}>${escapeMarkup(details(check))}</failure>`;
  else if (outcome === "error")
    body = `<error${attributes({ message, type: "error" })}>${escapeMarkup(details(check))}</error>`;
  else if (check.status === "skip") body = `<skipped${attributes({ message })}/>`;
  else if (outcome === "skipped")
    body = `<skipped${attributes({ message: suppressionNote(check) })}>${escapeMarkup(details(check))}</skipped>`;
  else if (outcome === "warning")
    body = `<system-out>${escapeMarkup(`warning: ${details(check)}`)}</system-out>`;
  return body ? `    ${head}>\n      ${body}\n    </testcase>` : `    ${head}/>`;
}

export function formatJunit(report: Report, options: JunitOptions): string {
  const outcomes = report.checks.map((c) => outcomeOf(c, options.failOn));
  const count = (outcome: Outcome) => outcomes.filter((o) => o === outcome).length;
  const totals = {
    tests: report.checks.length,
    failures: count("failure"),
    errors: count("error"),
    skipped: count("skipped"),
    time: report.durationMs !== undefined ? (report.durationMs / 1000).toFixed(3) : undefined,
  };
  const properties = [
    ["proxytrust.version", report.version],
    ["proxy", report.proxy],
    ["requests", report.requests?.toString()],
    ...(report.discovery?.deployments ?? []).map((d) => [
      "deployment",
      `${d.name}: ${d.files.map((f) => `${f.role} ${f.file}`).join(", ")}`,
    ]),
  ]
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `      <property${attributes({ name, value })}/>`);
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites${attributes({ name: "proxytrust", ...totals })}>`,
    `  <testsuite${attributes({ name: `proxytrust ${report.command} ${report.target}`, ...totals })}>`,
    ...(properties.length ? ["    <properties>", ...properties, "    </properties>"] : []),
    ...report.checks.map((c, i) => testcase(c, outcomes[i]!, report)),
    `  </testsuite>`,
    `</testsuites>`,
    "",
  ].join("\n");
}
