import { InvalidArgumentError } from "commander";
import { formatJson } from "../report/format-json.js";
import { formatText } from "../report/format-text.js";
import type { Report } from "../report/model.js";

export type OutputFormat = "text" | "json";

/** A mistake in the command line: one line on stderr, exit 2. */
export class UsageError extends Error {}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function parseSeconds(raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || n > 3600)
    throw new InvalidArgumentError("expected a number of seconds between 0 and 3600");
  return n;
}

export function printReport(report: Report, format: OutputFormat, verbose: boolean): void {
  const colour = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  process.stdout.write(format === "json" ? formatJson(report) : formatText(report, { colour, verbose }));
}
