#!/usr/bin/env node
/** The command line: parses arguments and calls the library; exit codes are documented in the README. */
import { Command, CommanderError } from "commander";
import { EXIT } from "../report/model.js";
import { MappingSyntaxError } from "../transport/mapping.js";
import { VERSION } from "../version.js";
import { UsageError } from "./common.js";
import { auditCommand } from "./audit-command.js";
import { doctorCommand } from "./doctor-command.js";
import { explainCommand } from "./explain-command.js";
import { initCommand } from "./init-command.js";
import { logsCommand } from "./logs-command.js";
import { mergeCommand } from "./merge-command.js";
import { probeCommand } from "./probe-command.js";
import { scanCommand } from "./scan-command.js";

function program(): Command {
  const output = {
    outputError: (text: string, write: (s: string) => void) =>
      write(`proxytrust: ${text.replace(/^error: /, "").trim()}\n`),
  };
  const root = new Command("proxytrust")
    .description('prove that a Django app and the reverse proxy in front of it agree on what "secure" means')
    .version(VERSION)
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput(output);
  for (const sub of [
    scanCommand(),
    auditCommand(),
    explainCommand(),
    probeCommand(),
    initCommand(),
    doctorCommand(),
    mergeCommand(),
    logsCommand(),
  ])
    root.addCommand(sub.exitOverride().configureOutput(output));
  return root;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof UsageError || err instanceof MappingSyntaxError) {
      process.stderr.write(`proxytrust: ${err.message}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`proxytrust: internal error: ${(err as Error)?.message ?? String(err)}\n`);
    return EXIT.couldNotRun;
  }
}

process.exitCode = await main(process.argv.slice(2));
