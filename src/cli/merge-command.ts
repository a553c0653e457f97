/** `proxytrust merge FILE...`: JSON and JSONL outputs joined into one report, in any output format. */
import { readFileSync } from "node:fs";
import { Command, Option } from "commander";
import { combineReports, nothingScanned } from "../fleet/combine.js";
import { parseReports, ReportFileError } from "../fleet/read-reports.js";
import { EXIT, exitCodeFor, type Report } from "../report/model.js";
import {
  checkOutputOptions,
  formatOption,
  outputOption,
  printReport,
  sarifLocationOption,
  UsageError,
  type OutputFlags,
} from "./common.js";

function readReports(file: string): Report[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`${file}: ${code === "ENOENT" ? "no such file" : (err as Error).message}`);
  }
  try {
    return parseReports(text, file);
  } catch (err) {
    if (err instanceof ReportFileError) throw new UsageError(err.message);
    throw err;
  }
}

export function mergeCommand(): Command {
  return new Command("merge")
    .description("join JSON reports and --jsonl files (of scans, audits, shards) into one report")
    .argument("<files...>", "files written with --format json or --jsonl")
    .addOption(formatOption())
    .addOption(outputOption())
    .addOption(sarifLocationOption())
    .hook("preAction", checkOutputOptions)
    .addOption(
      new Option("--fail-on <status>", "lowest status that makes the exit code 1")
        .choices(["fail", "warn"])
        .default("fail"),
    )
    .option("-v, --verbose", "show evidence for every result", false)
    .action((files: string[], flags: OutputFlags) => {
      const merged = combineReports(files.flatMap(readReports));
      if (nothingScanned(merged)) {
        process.stderr.write("proxytrust: merge: none of the targets could be scanned\n");
        printReport(merged, flags, "none of the targets could be scanned");
        process.exitCode = EXIT.couldNotRun;
        return;
      }
      printReport(merged, flags);
      process.exitCode = exitCodeFor(merged, flags.failOn);
    });
}
