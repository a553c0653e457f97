/** `proxytrust merge FILE...`: JSON and JSONL outputs joined into one report, in any output format. */
import { Command } from "./commander.js";
import { combineReports, decidedAny, distinctReports, nothingScanned } from "../fleet/combine.js";
import { parseReports, ReportFileError } from "../fleet/read-reports.js";
import type { Report } from "../report/model.js";
import { addReportOptions, finishReport, type OutputFlags } from "./common.js";
import { UsageError } from "./usage-error.js";
import { describeFileError } from "../file-error.js";
import { readTextFile } from "../read-file.js";

/** A fleet of thousands of targets writes tens of megabytes; past this a string cannot hold it. */
const MAX_REPORT_BYTES = 256 * 1024 * 1024;

function readReports(file: string): Report[] {
  let text: string;
  try {
    text = readTextFile(file, MAX_REPORT_BYTES, { streams: true });
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
      const { reports, repeated } = distinctReports(files.flatMap(readReports));
      if (repeated > 0)
        process.stderr.write(
          `proxytrust: merge: left out ${repeated} report${repeated === 1 ? "" : "s"} identical to one before\n`,
        );
      const merged = combineReports(reports);
      const couldNotRun = nothingScanned(merged) ? "none of the targets could be scanned" : undefined;
      await finishReport("merge", merged, flags, couldNotRun, { decided: decidedAny(merged) });
    },
  );
}
