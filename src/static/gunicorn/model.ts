/**
 * The gunicorn settings that decide who may set the request scheme: bind, forwarded_allow_ips,
 * secure_scheme_headers and certfile. Read from a gunicorn.conf.py (through the shared Python evaluator)
 * or from a command line (systemd ExecStart, Procfile, Dockerfile CMD), each value with its file and line.
 */
import type { LoadError, Located } from "../caddy/config-source.js";
import { evaluatePythonModule, evaluatePythonSource, type PythonModule } from "../python/evaluate.js";
import type { PossibleValue } from "../python/settings-model.js";
import { shellWords } from "../launch/shell.js";
import { GUNICORN_DEFAULTS } from "./defaults.js";

export type { LoadError, Located } from "../caddy/config-source.js";

/** One value a setting may take: known (maybe as the default of an environment variable), or unknown. */
export type GunicornValue<T> =
  | {
      kind: "known";
      value: T;
      /** Set when the value is an env variable's default. */ fromEnv?: string;
      /** Set for gunicorn's own default, in effect in a branch of the config file that leaves the setting out. */
      byDefault?: true;
    }
  | {
      kind: "unknown";
      reason: string;
      /** Set when it is whatever this variable holds: the deployer's. */ env?: string;
    };

export interface GunicornSetting<T> extends Located {
  /** Every value the setting may take (one per branch of the config file). */
  values: GunicornValue<T>[];
}

export interface GunicornConfig {
  file: string;
  source: "python" | "command-line";
  bind?: GunicornSetting<string[]>;
  forwardedAllowIps?: GunicornSetting<string[]>;
  secureSchemeHeaders?: GunicornSetting<Record<string, string>>;
  certfile?: GunicornSetting<string>;
  /** proxy_protocol: gunicorn reads a PROXY protocol header before each connection's request. */
  proxyProtocol?: GunicornSetting<boolean>;
  /** worker_class: with uvicorn's workers, uvicorn's proxy-header rules apply instead of gunicorn's. */
  workerClass?: GunicornSetting<string>;
  /** `-c FILE` on a command line: the config file gunicorn also reads. */
  configFile?: string;
  errors: LoadError[];
}

export async function loadGunicornConfig(file: string): Promise<GunicornConfig> {
  try {
    return fromPythonModule(await evaluatePythonModule(file));
  } catch (err) {
    return unevaluated(file, err);
  }
}

/** `environment`: literal variables the launch sets, which the file's os.environ reads see. */
export function gunicornConfigFromSource(
  source: string,
  file: string,
  environment?: ReadonlyMap<string, string>,
): GunicornConfig {
  try {
    return fromPythonModule(evaluatePythonSource(source, file, environment));
  } catch (err) {
    return unevaluated(file, err);
  }
}

function unevaluated(file: string, err: unknown): GunicornConfig {
  return {
    file,
    source: "python",
    errors: [{ file, line: 1, message: `cannot evaluate: ${(err as Error).message}` }],
  };
}

function fromPythonModule(module: PythonModule): GunicornConfig {
  const config: GunicornConfig = {
    file: module.file,
    source: "python",
    errors: module.diagnostics
      .filter((d) => d.severity === "error")
      .map((d) => ({ file: d.file, line: d.line, message: d.message })),
  };
  const read = <T>(
    name: string,
    convert: (value: PossibleValue) => T | undefined | "none",
    gunicornDefault?: T,
  ) => {
    const binding = module.bindings.get(name);
    if (!binding) return undefined;
    const values = binding.values.flatMap((v) => toGunicornValues(v, convert));
    if (values.length === 0) return undefined;
    // `if DEBUG: bind = ...` alone: where the branch is not taken, gunicorn's default holds.
    const leftOut = binding.values.some((v) => v.kind === "unset");
    if (leftOut && gunicornDefault !== undefined)
      values.push({ kind: "known", value: gunicornDefault, byDefault: true });
    return { file: binding.location.file, line: binding.location.line, values };
  };
  const bind = read("bind", toStringList, [...GUNICORN_DEFAULTS.bind]);
  const forwarded = read("forwarded_allow_ips", toStringList, [...GUNICORN_DEFAULTS.forwardedAllowIps]);
  const headers = read("secure_scheme_headers", toStringDict, { ...GUNICORN_DEFAULTS.secureSchemeHeaders });
  const certfile = read("certfile", (v) =>
    v.kind === "str" ? v.value : v.kind === "none" ? "none" : undefined,
  );
  if (bind) config.bind = bind;
  if (forwarded) config.forwardedAllowIps = forwarded;
  if (headers) config.secureSchemeHeaders = headers;
  if (certfile) config.certfile = certfile;
  const workerClass = read("worker_class", (v) => (v.kind === "str" ? v.value : undefined));
  if (workerClass) config.workerClass = workerClass;
  const proxyProtocol = read("proxy_protocol", (v) => (v.kind === "bool" ? v.value : undefined));
  if (proxyProtocol) config.proxyProtocol = proxyProtocol;
  return config;
}

/**
 * Python values to gunicorn values. `convert` returns "none" for a value that means "not set" (None), which
 * is dropped like an unassigned branch; undefined for a value of the wrong shape, which becomes unknown.
 */
function toGunicornValues<T>(
  value: PossibleValue,
  convert: (value: PossibleValue) => T | undefined | "none",
): GunicornValue<T>[] {
  if (value.kind === "unset") return [];
  if (value.kind === "unknown") return [{ kind: "unknown", reason: value.reason }];
  if (value.kind === "env") {
    const fallback = value.default ? toGunicornValues(value.default, convert) : [];
    const fromEnv = fallback.map((v) => (v.kind === "known" ? { ...v, fromEnv: value.env } : v));
    return [...fromEnv, { kind: "unknown", reason: `whatever $${value.env} holds`, env: value.env }];
  }
  const converted = convert(value);
  if (converted === "none") return [];
  return converted === undefined
    ? [{ kind: "unknown", reason: `unexpected ${value.kind} value` }]
    : [{ kind: "known", value: converted }];
}

/** gunicorn accepts a string (comma separated for forwarded_allow_ips) or a list of strings. */
/** gunicorn's list validators read None as an empty list. */
function toStringList(value: PossibleValue): string[] | undefined {
  if (value.kind === "none") return [];
  if (value.kind === "str") return splitList(value.value);
  if (value.kind !== "list" && value.kind !== "tuple") return undefined;
  const items = value.items.map((item) => (item.kind === "str" ? item.value : undefined));
  return items.every((i) => i !== undefined) ? items.flatMap(splitList) : undefined;
}

function splitList(text: string): string[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

function toStringDict(value: PossibleValue): Record<string, string> | undefined {
  if (value.kind !== "dict") return undefined;
  const result: Record<string, string> = {};
  for (const { key, value: item } of value.entries) {
    if (key.kind !== "str" || item.kind !== "str") return undefined;
    result[key.value.toUpperCase()] = item.value;
  }
  return result;
}

/** Where a command line was found, e.g. a unit file's ExecStart line. */
export function parseGunicornCommandLine(commandLine: string, where: Located): GunicornConfig {
  const words = shellWords(commandLine);
  if (words === undefined) {
    return {
      file: where.file,
      source: "command-line",
      errors: [{ ...where, message: "unterminated quote in the command line" }],
    };
  }
  const commandAt = words.findIndex((w) => /(^|[=/:\s])gunicorn$/.test(w));
  const env: Record<string, string> = {};
  for (const word of words.slice(0, Math.max(commandAt, 0))) {
    const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(word);
    if (assignment?.[1] && assignment[2] !== undefined) env[assignment[1]] = assignment[2];
  }
  return gunicornFromArgs(words.slice(commandAt + 1), env, where);
}

/** gunicorn's arguments (after the program name) and the environment it starts with. */
export function gunicornFromArgs(
  args: string[],
  env: Record<string, string>,
  where: Located,
): GunicornConfig {
  const config: GunicornConfig = { file: where.file, source: "command-line", errors: [] };
  const fromEnv = env.FORWARDED_ALLOW_IPS;
  if (fromEnv !== undefined) {
    config.forwardedAllowIps = {
      ...where,
      values: [{ kind: "known", value: splitList(fromEnv), fromEnv: "FORWARDED_ALLOW_IPS" }],
    };
  }
  // GUNICORN_CMD_ARGS is read first and overridden by the real arguments, as gunicorn does.
  const extra = env.GUNICORN_CMD_ARGS;
  applyFlags(config, [...(extra ? (shellWords(extra) ?? []) : []), ...args], where);
  // Without a bind, gunicorn listens on every interface at $PORT when that is set (an empty one it refuses).
  const port = env.PORT;
  if (!config.bind && port !== undefined && port !== "")
    config.bind = { ...where, values: [{ kind: "known", value: [`0.0.0.0:${port}`], fromEnv: "PORT" }] };
  return config;
}

function known<T>(where: Located, value: T): GunicornSetting<T> {
  return { ...where, values: [{ kind: "known", value }] };
}

function applyFlags(config: GunicornConfig, args: string[], where: Located): void {
  const binds: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const inline = /^(--[a-z-]+)=(.*)$/s.exec(arg) ?? /^(-[bck])(.+)$/s.exec(arg);
    const flag = inline?.[1] ?? arg;
    const takeValue = (): string | undefined => {
      if (inline) return inline[2];
      i++;
      const value = args[i];
      if (value === undefined) config.errors.push({ ...where, message: `${flag} needs a value` });
      return value;
    };
    if (flag === "-b" || flag === "--bind") {
      const value = takeValue();
      if (value !== undefined) binds.push(value);
    } else if (flag === "--forwarded-allow-ips") {
      const value = takeValue();
      if (value !== undefined) config.forwardedAllowIps = known(where, splitList(value));
    } else if (flag === "--certfile") {
      const value = takeValue();
      if (value !== undefined) config.certfile = known(where, value);
    } else if (flag === "-k" || flag === "--worker-class") {
      const value = takeValue();
      if (value !== undefined) config.workerClass = known(where, value);
    } else if (flag === "-c" || flag === "--config") {
      const value = takeValue();
      if (value !== undefined) config.configFile = value;
    }
  }
  if (binds.length > 0) config.bind = known(where, binds);
}

/** A setting that holds only an environment variable's default, which a config file's value overrides. */
export const onlyEnvDefault = (setting: GunicornSetting<unknown>) =>
  setting.values.every((v) => v.kind === "known" && v.fromEnv !== undefined);

/**
 * A setting with a default that $PORT or $FORWARDED_ALLOW_IPS changes. Such a command-line value only
 * changes the default: a value in the file wins over it, except in the file's branches that leave the
 * setting to its default.
 */
function overridden<T>(
  inFile: GunicornSetting<T> | undefined,
  onCommandLine: GunicornSetting<T> | undefined,
): GunicornSetting<T> | undefined {
  if (!onCommandLine || !inFile || !onlyEnvDefault(onCommandLine)) return onCommandLine ?? inFile;
  if (!inFile.values.some((v) => v.kind === "known" && v.byDefault)) return inFile;
  const values = inFile.values.flatMap((v) =>
    v.kind === "known" && v.byDefault ? onCommandLine.values : [v],
  );
  return { ...inFile, values };
}

/** A command line overrides the config file it points at, setting by setting, as gunicorn does. */
export function overrideWithCommandLine(
  fileConfig: GunicornConfig,
  commandLine: GunicornConfig,
): GunicornConfig {
  const merged: GunicornConfig = { ...fileConfig, errors: [...fileConfig.errors, ...commandLine.errors] };
  const bind = overridden(fileConfig.bind, commandLine.bind);
  if (bind) merged.bind = bind;
  const forwardedAllowIps = overridden(fileConfig.forwardedAllowIps, commandLine.forwardedAllowIps);
  if (forwardedAllowIps) merged.forwardedAllowIps = forwardedAllowIps;
  if (commandLine.secureSchemeHeaders) merged.secureSchemeHeaders = commandLine.secureSchemeHeaders;
  if (commandLine.certfile) merged.certfile = commandLine.certfile;
  if (commandLine.workerClass) merged.workerClass = commandLine.workerClass;
  return merged;
}
