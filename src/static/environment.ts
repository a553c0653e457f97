/** Environment variables a deployment sets, each with where it was set (Compose, env files, manifests). */
import { describeFileError } from "../file-error.js";
import { MAX_CONFIG_BYTES, readTextFile } from "../read-file.js";
import type { Located } from "./caddy/config-source.js";

export interface EnvironmentEntry extends Located {
  name: string;
  /** The literal value; undefined when it is not known from the files (interpolated, from a secret). */
  value?: string;
  /** Why the value is not known, when it is not. */
  unknownBecause?: string;
  /** As written, when the value is interpolated (`${PORT:-8000}`): the variable is set, to what is not known. */
  interpolated?: string;
}

/** A value written with `${VAR}` interpolation is decided where the deployment runs, not in the file. */
export function literalEnvironment(name: string, value: unknown, where: Located): EnvironmentEntry {
  if (value === undefined || value === null)
    return { name, ...where, unknownBecause: "taken from the environment compose runs in" };
  const raw = String(value);
  return /\$\{?\w/.test(raw)
    ? { name, ...where, unknownBecause: `interpolated (${raw})`, interpolated: raw }
    : { name, value: raw, ...where };
}

/** KEY=VALUE lines of a Compose/systemd-style env file; comments and blank lines skipped, quotes removed. */
export function readEnvFile(file: string): EnvironmentEntry[] | string {
  let source: string;
  try {
    source = readTextFile(file, MAX_CONFIG_BYTES);
  } catch (err) {
    return describeFileError(err);
  }
  return source.split("\n").flatMap((line, index): EnvironmentEntry[] => {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match) return [];
    const unquoted = (match[2] as string).replace(/^(["'])(.*)\1$/, "$2");
    return [literalEnvironment(match[1] as string, unquoted, { file, line: index + 1 })];
  });
}

/** Secrets stay symbolic: their values are never evaluated into settings nor copied into a report. */
export function isSecretName(name: string): boolean {
  return /SECRET|PASSWORD|PASSWD|TOKEN|PRIVATE|CREDENTIAL|API_KEY/i.test(name);
}
