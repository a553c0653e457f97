/** `proxytrust merge FILE...`: JSON and JSONL outputs joined into one report, in any output format. */
import { readFileSync } from "node:fs";
import { Command } from "./commander.js";
import { combineReports, nothingScanned } from "../fleet/combine.js";
import { parseReports, ReportFileError } from "../fleet/read-reports.js";
import type { Report } from "../report/model.js";
import { addReportOptions, finishReport, type OutputFlags } from "./common.js";
import { UsageError } from "./usage-error.js";
import { describeFileError } from "../file-error.js";

function readReports(file: string): Report[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new UsageError(`${file}: ${describeFileError(err)}`);
  }
  try {
    return parseReports(text, file);
  } catch (err) {
    if (err instanceof ReportFileError) throw new UsageError(err.message);
    throw err;
  }
}

export function mergeCommand(): Command {
  const merge = new Command("merge")
    .description("join JSON reports and --jsonl files (of scans, audits, shards) into one report")
    .argument("<files...>", "files written with --format json or --jsonl");
  return addReportOptions(merge, "show evidence for every result", { sarifLocation: true }).action(
    async (files: string[], flags: OutputFlags) => {
      const merged = combineReports(files.flatMap(readReports));
      const couldNotRun = nothingScanned(merged) ? "none of the targets could be scanned" : undefined;
      await finishReport("merge", merged, flags, couldNotRun);
    },
  );
}
