/** `proxytrust logs FILE|-`: reads the probe middleware's request log and reports what it shows. */
import { createReadStream, statSync } from "node:fs";
import { Command } from "./commander.js";
import { runLogs } from "../logs/run.js";
import { addReportOptions, finishReport, type OutputFlags } from "./common.js";
import { UsageError } from "./usage-error.js";

export function logsCommand(): Command {
  const command = new Command("logs")
    .description(
      "read the probe middleware's request log (PROXYTRUST_PROBE_LOG=1) and report what reached Django",
    )
    .argument("<file>", "the app's log file, or - for stdin");
  return addReportOptions(command, "show examples for every result", { sarifLocation: false }).action(
    async (file: string, flags: OutputFlags) => {
      if (file !== "-") {
        let isFile = false;
        try {
          isFile = statSync(file).isFile();
        } catch {
          throw new UsageError(`${file}: no such file`);
        }
        if (!isFile) throw new UsageError(`${file}: not a file`);
      }
      const input = file === "-" ? process.stdin : createReadStream(file);
      const { report, couldNotRun } = await runLogs(input, file === "-" ? "(stdin)" : file);
      await finishReport("logs", report, flags, couldNotRun);
    },
  );
}
