/**
 * audit --python: the settings as the project's own interpreter sees them. It runs
 * python/proxytrust_settings_dump.py, which IMPORTS the settings module (running the project's
 * code), and turns the JSON it prints into the same settings model the static evaluator builds.
 */
import { spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { SourceLocation } from "../../report/model.js";
import { DJANGO_DEFAULTS } from "./django-defaults.js";
import type { DjangoSettings, PossibleValue, SecretShape, Setting } from "./settings-model.js";

const DUMP_SCRIPT = fileURLToPath(new URL("../../../python/proxytrust_settings_dump.py", import.meta.url));

/** Every setting a rule reads: Django's defaults the static model knows, and those without one there. */
export const RUNTIME_SETTING_NAMES: readonly string[] = [...DJANGO_DEFAULTS.keys(), "SECURE_SSL_HOST"];

export const DEFAULT_PYTHON_TIMEOUT_MS = 30_000;

export interface PythonSettingsRequest {
  /** The interpreter to run, e.g. "python3" or ".venv/bin/python". */
  python: string;
  /** Dotted module name, e.g. "myproject.settings.production". */
  module: string;
  /** Put first on sys.path, and the working directory. */
  projectDir: string;
  /** KEY=VALUE lines set in the environment before the import (they win over the inherited environment). */
  envFile?: string;
  timeoutMs: number;
}

/** Why the settings could not be read at runtime: one line, for "audit could not run". */
export class RuntimeSettingsError extends Error {}

/** One value as the dump script encodes it: JSON scalars, or an object with one tag. */
type EncodedValue =
  | null
  | boolean
  | number
  | string
  | { float: number }
  | { list: EncodedValue[] }
  | { tuple: EncodedValue[] }
  | { set: EncodedValue[] }
  | { dict: [EncodedValue, EncodedValue][] }
  | { other: string };

export interface DumpedSetting {
  /** Set by the settings module, not Django's default. */
  overridden: boolean;
  value?: EncodedValue;
  /** Instead of `value` for secret-looking names: SECRET_KEY's shape, `withheld` for the rest. */
  redacted?: SecretShape | { none: true } | { withheld: true };
  /** The last assignment in the settings module itself, when it is there. */
  line?: number;
}

export interface SettingsDump {
  module: string;
  file: string;
  django: string;
  settings: Record<string, DumpedSetting>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function decodeValue(encoded: unknown): PossibleValue {
  if (encoded === null) return { kind: "none" };
  if (typeof encoded === "boolean") return { kind: "bool", value: encoded };
  if (typeof encoded === "number") return { kind: "int", value: encoded };
  if (typeof encoded === "string") return { kind: "str", value: encoded };
  if (isRecord(encoded)) {
    const items = (raw: unknown): PossibleValue[] => (Array.isArray(raw) ? raw.map(decodeValue) : []);
    if (typeof encoded.float === "number") return { kind: "float", value: encoded.float };
    if ("list" in encoded || "set" in encoded)
      return { kind: "list", items: items(encoded.list ?? encoded.set) };
    if ("tuple" in encoded) return { kind: "tuple", items: items(encoded.tuple) };
    if (Array.isArray(encoded.dict)) {
      const pairs = encoded.dict.filter(
        (pair): pair is unknown[] => Array.isArray(pair) && pair.length === 2,
      );
      return {
        kind: "dict",
        entries: pairs.map(([key, value]) => ({ key: decodeValue(key), value: decodeValue(value) })),
      };
    }
    if (typeof encoded.other === "string")
      return { kind: "unknown", reason: `a ${encoded.other}, which the audit cannot judge` };
  }
  return { kind: "unknown", reason: `an unexpected value in the settings dump: ${JSON.stringify(encoded)}` };
}

function decodeRedacted(redacted: NonNullable<DumpedSetting["redacted"]>): PossibleValue {
  if ("none" in redacted) return { kind: "none" };
  const reason = "read by --python; its value is withheld from the report";
  return "length" in redacted ? { kind: "unknown", reason, secret: redacted } : { kind: "unknown", reason };
}

/** The settings model of a dump: every value known (or withheld), located in the settings module. */
export function settingsFromDump(dump: SettingsDump): DjangoSettings {
  const entryLocation: SourceLocation = { file: dump.file, line: 1 };
  const runtimeValues = new Map<string, PossibleValue>();
  // Only what the module sets counts as written, so a rule can still say "not set (Django's default …)".
  const settings = new Map<string, Setting>();
  for (const [name, dumped] of Object.entries(dump.settings)) {
    const value = dumped.redacted ? decodeRedacted(dumped.redacted) : decodeValue(dumped.value ?? null);
    runtimeValues.set(name, value);
    if (dumped.overridden)
      settings.set(name, { name, values: [value], location: { file: dump.file, line: dumped.line ?? 1 } });
  }
  return {
    entry: dump.file,
    files: [dump.file],
    diagnostics: [],
    settings,
    unresolvedImports: [],
    get: (name) => settings.get(name),
    values: (name) => [
      runtimeValues.get(name) ?? {
        kind: "unknown",
        reason: `Django ${dump.django} has no ${name} setting, or the dump did not ask for it`,
      },
    ],
    locate: (name) => settings.get(name)?.location ?? entryLocation,
  };
}

function parseDump(stdout: string): SettingsDump | { error: string } | undefined {
  const last = stdout.trimEnd().split("\n").pop() ?? "";
  try {
    const parsed: unknown = JSON.parse(last);
    if (isRecord(parsed) && typeof parsed.error === "string") return { error: parsed.error };
    if (isRecord(parsed) && typeof parsed.file === "string" && isRecord(parsed.settings))
      return parsed as unknown as SettingsDump;
  } catch {
    // not JSON: reported below with the interpreter's own last words
  }
  return undefined;
}

function lastLine(text: string): string {
  return text.trim().split("\n").pop()?.trim() ?? "";
}

/** Runs the dump script with the project's interpreter; rejects with a RuntimeSettingsError. */
function runSettingsDump(request: PythonSettingsRequest): Promise<SettingsDump> {
  const projectDir = resolve(request.projectDir);
  const args = ["-B", DUMP_SCRIPT, "--module", request.module, "--project-dir", projectDir];
  if (request.envFile) args.push("--env-file", resolve(request.envFile));
  args.push(...RUNTIME_SETTING_NAMES);
  return new Promise((resolvePromise, reject) => {
    // A process group of its own, so a timeout also ends whatever the settings module started.
    const child = spawn(request.python, args, {
      cwd: projectDir,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      process.kill(-child.pid!, "SIGKILL");
    }, request.timeoutMs);
    child.on("error", (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const why = err.code === "ENOENT" ? "not found" : err.message;
      reject(new RuntimeSettingsError(`cannot run the Python interpreter '${request.python}': ${why}`));
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (timedOut) {
        const seconds = request.timeoutMs / 1000;
        reject(new RuntimeSettingsError(`importing ${request.module} did not finish within ${seconds} s`));
        return;
      }
      const dump = parseDump(stdout);
      if (dump && "error" in dump) reject(new RuntimeSettingsError(dump.error));
      else if (dump) resolvePromise(dump);
      else {
        const said = lastLine(stderr);
        reject(
          new RuntimeSettingsError(
            `${request.python} exited (code ${code}) without reporting the settings${said ? `: ${said}` : ""}`,
          ),
        );
      }
    });
  });
}

export async function importDjangoSettings(request: PythonSettingsRequest): Promise<DjangoSettings> {
  return settingsFromDump(await runSettingsDump(request));
}

/**
 * The module a settings file is imported as: its path relative to the project directory, or, without
 * one, relative to the first directory above the file's enclosing packages (folders with __init__.py).
 */
export function moduleOfSettingsFile(
  file: string,
  projectDir?: string,
): { module: string; projectDir: string } {
  const path = resolve(file);
  let root = projectDir === undefined ? dirname(path) : resolve(projectDir);
  if (projectDir === undefined) while (existsSync(join(root, "__init__.py"))) root = dirname(root);
  const inside = relative(root, path);
  if (
    !path.endsWith(".py") ||
    inside.startsWith("..") ||
    !statSync(path, { throwIfNoEntry: false })?.isFile()
  )
    throw new RuntimeSettingsError(`${file} is not a Python file inside the project directory ${root}`);
  const parts = inside.slice(0, -".py".length).split(sep);
  if (parts.at(-1) === "__init__") parts.pop();
  if (!parts.every((part) => /^[A-Za-z_]\w*$/.test(part)))
    throw new RuntimeSettingsError(`${inside} cannot be imported: ${parts.join(".")} is not a module name`);
  return { module: parts.join("."), projectDir: root };
}
