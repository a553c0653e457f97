/** audit --python and its companions: which settings module to import, how, and with which interpreter. */
import { existsSync, statSync } from "node:fs";
import { type Command, Option } from "./commander.js";
import {
  DEFAULT_PYTHON_TIMEOUT_MS,
  moduleOfSettingsFile,
  RuntimeSettingsError,
  type PythonSettingsRequest,
} from "../static/python/runtime-settings.js";
import { parseSeconds } from "./common.js";
import { UsageError } from "./usage-error.js";

export interface PythonFlags {
  python?: string | true;
  settingsModule?: string;
  /** Not --env-file: Node 20 reads that flag itself wherever it appears (nodejs/node#54232). */
  pythonEnvFile?: string;
  projectDir?: string;
  /** Unset unless given: given without --python, it is a mistake to say so. */
  pythonTimeout?: number;
}

export function addPythonOptions(command: Command): Command {
  return command
    .option(
      "--python [interpreter]",
      "--python imports your settings module: it runs your project's code. Ask this interpreter (default python3) for the settings instead of reading the file",
    )
    .option(
      "--settings-module <module>",
      "with --python: the module to import, e.g. myproject.settings.production",
    )
    .option(
      "--python-env-file <file>",
      "with --python: KEY=VALUE lines set before the import (they win over the environment)",
    )
    .option(
      "--project-dir <dir>",
      "with --python: put first on sys.path and run in (default: the current directory, or above --settings FILE's packages)",
    )
    .addOption(
      new Option(
        "--python-timeout <seconds>",
        `with --python: give up on the import after this long (default: ${DEFAULT_PYTHON_TIMEOUT_MS / 1000})`,
      ).argParser(parseSeconds),
    );
}

/** What --python imports; undefined without --python. --settings FILE then names the module to import. */
export function pythonRequest(flags: PythonFlags & { settings?: string }): PythonSettingsRequest | undefined {
  if (flags.python === undefined) {
    if (flags.settingsModule || flags.pythonEnvFile || flags.projectDir || flags.pythonTimeout !== undefined)
      throw new UsageError(
        "--settings-module, --python-env-file, --project-dir and --python-timeout need --python",
      );
    return undefined;
  }
  if (flags.projectDir && !(existsSync(flags.projectDir) && statSync(flags.projectDir).isDirectory()))
    throw new UsageError(`--project-dir ${flags.projectDir}: not a directory`);
  if (flags.settingsModule && flags.settings)
    throw new UsageError("--python takes --settings-module MODULE or --settings FILE, not both");
  if (!flags.settingsModule && !flags.settings)
    throw new UsageError("--python needs --settings-module MODULE (or --settings FILE)");
  let imported: { module: string; projectDir: string };
  try {
    imported = flags.settingsModule
      ? { module: flags.settingsModule, projectDir: flags.projectDir ?? process.cwd() }
      : moduleOfSettingsFile(flags.settings!, flags.projectDir);
  } catch (err) {
    if (err instanceof RuntimeSettingsError) throw new UsageError(`--settings: ${err.message}`);
    throw err;
  }
  return {
    python: flags.python === true ? "python3" : flags.python,
    ...imported,
    envFile: flags.pythonEnvFile,
    timeoutMs: flags.pythonTimeout === undefined ? DEFAULT_PYTHON_TIMEOUT_MS : flags.pythonTimeout * 1000,
  };
}
