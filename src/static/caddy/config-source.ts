/** Reading a proxy config file safely: size cap, binary detection, errors instead of throws. */
import { describeFileError } from "../../file-error.js";
import { FileTooLargeError, MAX_CONFIG_BYTES, NotRegularFileError, readTextFile } from "../../read-file.js";

/** A problem found while loading a config: where, and what. Loaders return these instead of throwing. */
export interface LoadError {
  file: string;
  line: number;
  message: string;
}

/** A source position for a parsed directive or value. */
export interface Located {
  file: string;
  line: number;
}

export type SourceText = { ok: true; text: string } | { ok: false; error: LoadError };

export function readConfigSource(file: string): SourceText {
  let text: string;
  try {
    text = readTextFile(file, MAX_CONFIG_BYTES);
  } catch (err) {
    if (err instanceof FileTooLargeError || err instanceof NotRegularFileError)
      return fail(file, err.message);
    return fail(file, `cannot read file: ${describeFileError(err)}`);
  }
  return checkConfigText(file, text);
}

/** The same checks for text that is already in memory (tests, stdin). */
export function checkConfigText(file: string, text: string): SourceText {
  if (text.length > MAX_CONFIG_BYTES) {
    return fail(file, `text is longer than the ${MAX_CONFIG_BYTES}-byte limit for a config`);
  }
  const nul = text.indexOf("\0");
  if (nul !== -1) {
    return fail(file, "file contains NUL bytes: not a text config", lineAt(text, nul));
  }
  return { ok: true, text: text.startsWith("\uFEFF") ? text.slice(1) : text };
}

function fail(file: string, message: string, line = 1): SourceText {
  return { ok: false, error: { file, line, message } };
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
