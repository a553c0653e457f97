/**
 * Where configuration text comes from: files on disk, or the sections of an `nginx -T` dump.
 * Both answer the same two questions, so include resolution does not care which it reads.
 */
import { isUtf8 } from "node:buffer";
import { readAtMost } from "../../read-file.js";
import { MAX_FILE_BYTES } from "./model.js";
import { describeFileError } from "../../file-error.js";
import { expandGlob, hasWildcard, segmentMatcher, type GlobOptions } from "../glob.js";

export type ReadResult = { text: string } | { error: string; line: number };

export interface ConfigSource {
  read(file: string): ReadResult;
  /** The files an include pattern names, sorted as glob(3) sorts them. */
  expand(pattern: string): string[];
}

/** nginx reads includes with glob(3), whose wildcards leave out names that start with a dot. */
const GLOB_3: GlobOptions = { leadingDot: "explicit", links: "follow" };

/** Bytes to text: refuses binary data, reads UTF-8, falls back to Latin-1 for legacy files. */
export function decodeConfigBytes(bytes: Buffer): ReadResult {
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    let line = 1;
    for (let i = 0; i < nul; i++) if (bytes[i] === 10) line++;
    return { error: "binary data (a NUL byte) in what should be a text file", line };
  }
  if (!isUtf8(bytes)) return { text: bytes.toString("latin1") };
  const text = bytes.toString("utf8");
  // A byte order mark is not configuration.
  return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
}

export const diskSource: ConfigSource = {
  read(file) {
    try {
      return decodeConfigBytes(readAtMost(file, MAX_FILE_BYTES));
    } catch (error) {
      return { error: describeFileError(error), line: 1 };
    }
  },
  expand(pattern) {
    // A name without wildcards is read as written, so the read says why it is missing.
    return hasWildcard(pattern) ? expandGlob(pattern, GLOB_3) : [pattern];
  },
};

/** The files of an `nginx -T` dump, keyed by the path each `# configuration file` header names. */
export function dumpSource(files: ReadonlyMap<string, string>): ConfigSource {
  return {
    read(file) {
      const text = files.get(file);
      return text === undefined ? { error: "not in the nginx -T dump", line: 1 } : { text };
    },
    expand(pattern) {
      if (!hasWildcard(pattern)) return [pattern];
      const matchers = pattern.split("/").map((segment) => segmentMatcher(segment, GLOB_3));
      return [...files.keys()]
        .filter((file) => {
          const parts = file.split("/");
          return parts.length === matchers.length && parts.every((part, i) => matchers[i]!(part));
        })
        .sort();
    },
  };
}

const DUMP_HEADER = /^# configuration file (.+):\r?$/;

/**
 * Splits `nginx -T` output into its files; undefined when the text is not such a dump.
 * Lines before the first header (nginx's "syntax is ok" banner) are not configuration.
 */
export function splitNginxDump(text: string): Map<string, string> | undefined {
  const lines = text.split("\n");
  const firstConfigLine = lines.findIndex((line) => line.trim() !== "" && !line.startsWith("nginx: "));
  if (firstConfigLine === -1 || !DUMP_HEADER.test(lines[firstConfigLine]!)) return undefined;
  const files = new Map<string, string>();
  let currentFile: string | undefined;
  let body: string[] = [];
  const flush = () => {
    if (currentFile !== undefined && !files.has(currentFile)) files.set(currentFile, body.join("\n"));
  };
  for (const line of lines.slice(firstConfigLine)) {
    const header = DUMP_HEADER.exec(line);
    if (header) {
      flush();
      currentFile = header[1]!;
      body = [];
    } else body.push(line);
  }
  flush();
  return files;
}
