/**
 * The safety net under the command line: a failure nothing else caught becomes one line on stderr and
 * exit 3, never a stack trace (`--debug` prints it). Reaching it is a bug to fix where it happened.
 */
import { describeFileError } from "../file-error.js";
import { EXIT } from "../report/model.js";

function wantsTrace(): boolean {
  return process.argv.includes("--debug");
}

/** Writes the one line (and with --debug the trace) for a failure nothing handled. */
export function reportInternalError(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(
    `proxytrust: internal error: ${message.split("\n")[0]} (please report it; --debug shows where)\n`,
  );
  if (wantsTrace() && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
}

/** Installs the handlers for exceptions and rejections that escaped every other handler. */
export function installLastResort(): void {
  const onEscaped = (err: unknown) => {
    reportInternalError(err);
    process.exit(EXIT.couldNotRun);
  };
  process.on("uncaughtException", onEscaped);
  process.on("unhandledRejection", onEscaped);
  process.stdout.on("error", onStdoutError);
}

/**
 * The report could not be written: not a bug. A reader that stopped early (`| head`) wants no
 * message, as with any Unix tool; a full disk or a closed descriptor gets one line. Either way the
 * report was not delivered, so the run did not do its job.
 */
function onStdoutError(err: NodeJS.ErrnoException): void {
  if (err.code !== "EPIPE")
    process.stderr.write(`proxytrust: cannot write to stdout: ${describeFileError(err)}\n`);
  process.exit(EXIT.couldNotRun);
}
