import { closeSync, existsSync, openSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Command, InvalidArgumentError, Option } from "./commander.js";
import type { Interruption } from "./interrupt.js";
import {
  decidedNothing,
  EXIT,
  exitCodeFor,
  type FailOn,
  type Report,
  type SourceLocation,
} from "../report/model.js";
import { UsageError } from "./usage-error.js";
import { quoted } from "../report/quote.js";
import { describeFileError } from "../file-error.js";

const OUTPUT_FORMATS = ["text", "json", "sarif", "junit", "html", "sh"] as const;
type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** The file name ending each format gets when several are written at once (`--output BASE`). */
const FORMAT_EXTENSIONS: Record<OutputFormat, string> = {
  text: ".txt",
  json: ".json",
  sarif: ".sarif",
  junit: ".junit.xml",
  html: ".html",
  sh: ".sh",
};

export function parseSeconds(raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || n > 3600)
    throw new InvalidArgumentError("expected a number of seconds greater than 0 and at most 3600");
  return n;
}

export function parseFormats(raw: string): OutputFormat[] {
  const names = raw.split(",").map((name) => name.trim());
  for (const name of names)
    if (!(OUTPUT_FORMATS as readonly string[]).includes(name))
      throw new InvalidArgumentError(`${quoted(name)} is not one of ${OUTPUT_FORMATS.join(", ")}`);
  if (new Set(names).size !== names.length) throw new InvalidArgumentError("a format is named twice");
  return names as OutputFormat[];
}

/** `FILE[:LINE]`, an existing file: where SARIF shows live findings. */
export function parseSarifLocation(raw: string): SourceLocation {
  const match = /^(.*?)(?::(\d+))?$/.exec(raw)!;
  const file = match[1]!;
  if (!file || !existsSync(file) || !statSync(file).isFile())
    throw new InvalidArgumentError(
      `'${file}' is not a file (expected FILE or FILE:LINE, e.g. deploy/nginx.conf:12)`,
    );
  return { file, line: match[2] ? Number(match[2]) : 1 };
}

function formatOption(): Option {
  return new Option(
    "--format <formats>",
    `${OUTPUT_FORMATS.join(", ")}; several, comma-separated, need --output`,
  )
    .argParser(parseFormats)
    .default(["text"], "text");
}

function outputOption(): Option {
  return new Option(
    "--output <file>",
    "write the report to FILE instead of stdout; with several formats FILE is a base name (FILE.txt, FILE.sarif, ...)",
  );
}

function sarifLocationOption(): Option {
  return new Option(
    "--sarif-location <file[:line]>",
    "a file in the repository on which SARIF shows live findings (default: a path named after the URL)",
  ).argParser(parseSarifLocation);
}

/**
 * The report options every reporting command shares, in one order: --format, --output (both checked
 * before the action runs), --sarif-location where SARIF can show live results, --fail-on, --verbose.
 */
export function addReportOptions(
  command: Command,
  verboseHelp: string,
  { sarifLocation }: { sarifLocation: boolean },
): Command {
  command.addOption(formatOption()).addOption(outputOption());
  if (sarifLocation) command.addOption(sarifLocationOption());
  return command
    .hook("preAction", checkOutputOptions)
    .addOption(
      new Option("--fail-on <status>", "lowest status that makes the exit code 1")
        .choices(["fail", "warn", "error"])
        .default("fail"),
    )
    .option("-v, --verbose", verboseHelp, false);
}

export interface OutputFlags {
  format: OutputFormat[];
  output?: string;
  sarifLocation?: SourceLocation;
  failOn: FailOn;
  verbose: boolean;
}

/** A preAction hook: output mistakes are reported before anything is scanned or read. */
export function checkOutputOptions(command: Command): void {
  const { format, output } = command.opts<OutputFlags>();
  if (format.includes("sh") && command.name() !== "scan")
    throw new UsageError(`--format sh: only scan writes a shell script, not ${command.name()}`);
  // Without a URL, scan runs a fleet: refused now rather than once every target has been scanned.
  if (format.includes("sh") && command.args.length === 0)
    throw new UsageError("--format sh: only a scan of one URL writes a shell script, not a fleet");
  if (format.length > 1 && output === undefined)
    throw new UsageError(`--format ${format.join(",")}: several formats need --output BASE`);
  for (const [, file] of outputFiles({ format, output })) {
    if (file === undefined) continue;
    const dir = dirname(resolve(file));
    if (!existsSync(dir) || !statSync(dir).isDirectory())
      throw new UsageError(`--output ${output}: no such directory ${dir}`);
    const info = statSync(file, { throwIfNoEntry: false });
    if (info?.isDirectory()) throw new UsageError(`--output ${file}: cannot write it (is a directory)`);
    // A pipe or device is opened once, to write the report: a reader would take a trial open for the end.
    if (info && !info.isFile()) continue;
    try {
      closeSync(openSync(file, "a"));
    } catch (err) {
      throw new UsageError(
        `--output ${file}: cannot write it (${describeFileError(err, { writing: true })})`,
      );
    }
    if (!info) unlinkSync(file);
  }
}

/** Where each format goes: stdout (undefined) for a single format without --output. */
export function outputFiles(
  flags: Pick<OutputFlags, "format" | "output">,
): [OutputFormat, string | undefined][] {
  if (flags.output === undefined) return flags.format.map((f) => [f, undefined]);
  if (flags.format.length === 1) return [[flags.format[0]!, flags.output]];
  return flags.format.map((f) => [f, `${flags.output}${FORMAT_EXTENSIONS[f]}`]);
}

/** Each formatter is loaded only when its format is asked for: loading all of them slows every run's start. */
async function render(
  report: Report,
  format: OutputFormat,
  flags: OutputFlags,
  toTerminal: boolean,
  couldNotRun?: string,
): Promise<string> {
  switch (format) {
    case "text": {
      const { formatText } = await import("../report/format-text.js");
      return formatText(report, { colour: toTerminal && !process.env.NO_COLOR, verbose: flags.verbose });
    }
    case "json":
      return (await import("../report/format-json.js")).formatJson(report);
    case "sarif": {
      const { formatSarif } = await import("../report/format-sarif.js");
      return formatSarif(report, { cwd: process.cwd(), liveLocation: flags.sarifLocation, couldNotRun });
    }
    case "junit":
      return (await import("../report/format-junit.js")).formatJunit(report, { failOn: flags.failOn });
    case "html":
      return (await import("../report/format-html.js")).formatHtml(report);
    case "sh":
      if (!report.smokeTest)
        throw new UsageError("--format sh: only a scan of one URL writes a shell script");
      return (await import("../report/format-sh.js")).formatSh(report);
  }
}

/**
 * Writes the report in every format asked for. When the run could not finish, the text report is
 * left out (stderr already says why) and the machine-readable ones are still written for CI.
 */
async function printReport(report: Report, flags: OutputFlags, couldNotRun?: string): Promise<void> {
  const written: string[] = [];
  for (const [format, file] of outputFiles(flags)) {
    // Nothing was judged: no text report, and no script to re-run what never ran.
    if (couldNotRun && (format === "text" || format === "sh")) continue;
    if (file === undefined) {
      process.stdout.write(await render(report, format, flags, Boolean(process.stdout.isTTY), couldNotRun));
      continue;
    }
    const text = await render(report, format, flags, false, couldNotRun);
    try {
      writeFileSync(file, text, {
        mode: format === "sh" ? 0o755 : 0o644,
      });
    } catch (err) {
      throw new UsageError(
        `--output ${file}: cannot write it (${describeFileError(err, { writing: true })})`,
      );
    }
    written.push(file);
  }
  if (written.length) process.stderr.write(`proxytrust: wrote ${written.join(", ")}\n`);
}

/**
 * Ends a reporting command: when it could not run, one line on stderr and exit 3, with the
 * machine-readable formats still written unless `writeReport` is false; else the report and the
 * exit code --fail-on gives it.
 */
export async function finishReport(
  command: string,
  report: Report,
  flags: OutputFlags,
  couldNotRun?: string,
  {
    writeReport = true,
    decided = !decidedNothing(report),
    interruption,
  }: {
    writeReport?: boolean;
    /** Whether anything was judged; by default, whether any result is other than error or skip. */
    decided?: boolean;
    /** A stop signal received during the run: the report is written, marked incomplete. */
    interruption?: Interruption;
  } = {},
): Promise<void> {
  const stopped = interruption?.received();
  if (stopped) {
    const incomplete = `interrupted by ${stopped}`;
    await printReport({ ...report, incomplete }, flags);
    process.stderr.write(
      `proxytrust: ${command} ${incomplete}; the report holds what was decided until then\n`,
    );
    process.exitCode = interruption!.exitCode();
    return;
  }
  if (couldNotRun) {
    process.stderr.write(`proxytrust: ${command} could not run: ${couldNotRun}\n`);
    if (writeReport) await printReport(report, flags, couldNotRun);
    process.exitCode = EXIT.couldNotRun;
    return;
  }
  await printReport(report, flags);
  if (!decided) {
    // Every result is error or skip: a 0 here would be a pass that nothing earned.
    process.stderr.write(`proxytrust: ${command} decided nothing: every result is error or skip\n`);
    process.exitCode = EXIT.couldNotRun;
    return;
  }
  process.exitCode = exitCodeFor(report, flags.failOn);
}
