/** Finds, reads and validates proxytrust.config.json; every problem is one line naming the key path. */
import { dirname, resolve } from "node:path";
import { configSchema, type ProxytrustConfig } from "./schema.js";
import { describeFileError } from "../file-error.js";
import { describeIssues } from "../zod-issues.js";
import { MAX_CONFIG_BYTES, readTextFile } from "../read-file.js";

/** A config file that cannot be used; the message is one line, prefixed with the file. */
export class ConfigError extends Error {}

export interface LoadedConfig {
  config: ProxytrustConfig;
  file: string;
  /** Relative paths in the file (cacert) are relative to this directory. */
  dir: string;
}

/** JSON.parse's message, on one line, with a line and column where it names a character position. */
function describeJsonError(text: string, err: Error): string {
  const reason = err.message
    .replace(/ in JSON at position \d+.*$/s, "")
    .replace(/\s+/g, " ")
    .trim();
  const position = /at position (\d+)/.exec(err.message);
  if (!position) return `not valid JSON: ${reason}`;
  const before = text.slice(0, Number(position[1]));
  const line = before.split("\n").length;
  const column = before.length - before.lastIndexOf("\n");
  return `not valid JSON at line ${line}, column ${column}: ${reason}`;
}

export function parseConfig(text: string, file: string): ProxytrustConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${file}: ${describeJsonError(text, err as Error)}`);
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(`${file}: ${describeIssues(result.error.issues)}`);
  return result.data;
}

export function loadConfig(file: string): LoadedConfig {
  let text: string;
  try {
    text = readTextFile(file, MAX_CONFIG_BYTES, { streams: true });
  } catch (err) {
    throw new ConfigError(`${file}: ${describeFileError(err)}`);
  }
  return { config: parseConfig(text, file), file, dir: dirname(resolve(file)) };
}
