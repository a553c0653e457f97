/**
 * JUnit XML for CI test dashboards: one testcase per clause (scan) or finding (audit).
 * fail is a failure, error an error, skip skipped; warn is a failure only under --fail-on warn,
 * so the dashboard agrees with the exit code (docs/reports.md).
 */
import { formatExchange } from "./format-text.js";
import { escapeMarkup } from "./markup.js";
import { countByStatus, isFailing, type CheckResult, type FailOn, type Report } from "./model.js";

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
  if (check.location) parts.push(`at ${check.location.file}:${check.location.line}`);
  if (check.evidence.length) parts.push(`evidence:\n${check.evidence.map(formatExchange).join("\n\n")}`);
  if (check.fix) parts.push(`fix:\n${check.fix}`);
  return parts.join("\n\n");
}

function firstLine(text: string): string {
  return text.split("\n", 1)[0] ?? "";
}

/** A JUnit failure; errors stay JUnit errors whatever --fail-on says. */
function isFailure(check: CheckResult, failOn: FailOn): boolean {
  return check.status !== "error" && isFailing(check.status, failOn);
}

function testcase(check: CheckResult, report: Report, options: JunitOptions): string {
  // Audit findings are grouped by the file they are in; scan clauses by the scanned URL.
  const head = `<testcase${attributes({
    classname: check.location?.file ?? check.target ?? report.target,
    name: check.location ? `${check.id} (line ${check.location.line})` : check.id,
  })}`;
  const message = firstLine(check.summary);
  let body = "";
  if (isFailure(check, options.failOn))
    body = `<failure${attributes({ message, type: check.status })}>${escapeMarkup(details(check))}</failure>`;
  else if (check.status === "error")
    body = `<error${attributes({ message, type: "error" })}>${escapeMarkup(details(check))}</error>`;
  else if (check.status === "skip") body = `<skipped${attributes({ message })}/>`;
  else if (check.status === "warn")
    body = `<system-out>${escapeMarkup(`warning: ${details(check)}`)}</system-out>`;
  return body ? `    ${head}>\n      ${body}\n    </testcase>` : `    ${head}/>`;
}

export function formatJunit(report: Report, options: JunitOptions): string {
  const counts = countByStatus(report);
  const failures = report.checks.filter((c) => isFailure(c, options.failOn)).length;
  const totals = {
    tests: report.checks.length,
    failures,
    errors: counts.error,
    skipped: counts.skip,
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
    ...report.checks.map((c) => testcase(c, report, options)),
    `  </testsuite>`,
    `</testsuites>`,
    "",
  ].join("\n");
}
