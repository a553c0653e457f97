#!/usr/bin/env node
/** The command line: parses arguments and calls the library; exit codes are documented in the README. */
import { Command, CommanderError } from "./commander.js";
import { EXIT } from "../report/model.js";
import { MappingSyntaxError } from "../transport/mapping.js";
import { VERSION } from "../version.js";
import { refuseRepeatedValues } from "./repeated-options.js";
import { UsageError } from "./usage-error.js";
import { installLastResort, reportInternalError } from "./last-resort.js";
import { printable } from "../report/quote.js";

/**
 * Each command's module (and everything it imports) loads only when that command runs, so
 * `--version` or `explain CLAUSE` cost little more than starting node.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  scan: async () => (await import("./scan-command.js")).scanCommand(),
  audit: async () => (await import("./audit-command.js")).auditCommand(),
  explain: async () => (await import("./explain-command.js")).explainCommand(),
  probe: async () => (await import("./probe-command.js")).probeCommand(),
  init: async () => (await import("./init-command.js")).initCommand(),
  doctor: async () => (await import("./doctor-command.js")).doctorCommand(),
  merge: async () => (await import("./merge-command.js")).mergeCommand(),
  logs: async () => (await import("./logs-command.js")).logsCommand(),
};

/**
 * The commands argv can reach: the one it names; none when it only asks for the version; all of them
 * otherwise, since help and "unknown command" messages list every command.
 */
function commandsFor(argv: string[]): string[] {
  const named = argv.find((arg) => !arg.startsWith("-"));
  if (named !== undefined && Object.hasOwn(COMMANDS, named)) return [named];
  const asksVersionOnly =
    named === undefined && argv.length > 0 && argv.every((arg) => arg === "-V" || arg === "--version");
  return asksVersionOnly ? [] : Object.keys(COMMANDS);
}

async function program(argv: string[]): Promise<Command> {
  const output = {
    // commander puts its "(Did you mean …?)" on a line of its own: keep the message to one line.
    outputError: (text: string, write: (s: string) => void) =>
      write(
        `proxytrust: ${printable(
          text
            .replace(/^error: /, "")
            .trim()
            .replace(/\s*\n\s*/g, " "),
        )}\n`,
      ),
  };
  const root = new Command("proxytrust")
    .description('prove that a Django app and the reverse proxy in front of it agree on what "secure" means')
    .version(VERSION)
    .option("--debug", "print the stack trace of an internal error (please report those)")
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput(output);
  const subcommands = await Promise.all(commandsFor(argv).map((name) => COMMANDS[name]!()));
  for (const sub of subcommands) {
    refuseRepeatedValues(sub);
    root.addCommand(sub.exitOverride().configureOutput(output));
  }
  return root;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await (await program(argv)).parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof UsageError || err instanceof MappingSyntaxError) {
      process.stderr.write(`proxytrust: ${printable(err.message)}\n`);
      return EXIT.usage;
    }
    reportInternalError(err);
    return EXIT.couldNotRun;
  }
}

installLastResort();
process.exitCode = await main(process.argv.slice(2));
