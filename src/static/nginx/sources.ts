/**
 * Where configuration text comes from: files on disk, or the sections of an `nginx -T` dump.
 * Both answer the same two questions, so include resolution does not care which it reads.
 */
import { isUtf8 } from "node:buffer";
import { lstatSync, readdirSync } from "node:fs";
import path from "node:path";
import { readAtMost } from "../../read-file.js";
import { MAX_FILE_BYTES } from "./model.js";
import { describeFileError } from "../../file-error.js";

export type ReadResult = { text: string } | { error: string; line: number };

export interface ConfigSource {
  read(file: string): ReadResult;
  /** The files an include pattern names, sorted as glob(3) sorts them. */
  expand(pattern: string): string[];
}

export function hasWildcard(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/** One path segment of a glob as a regular expression; `*` and `?` never cross a `/`. */
function segmentRegex(glob: string): RegExp {
  let source = "";
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === "*") source += "[^/]*";
    else if (ch === "?") source += "[^/]";
    else if (ch === "[") {
      const end = glob.indexOf("]", i + 2);
      if (end === -1) source += "\\[";
      else {
        const body = glob
          .slice(i + 1, end)
          .replace(/^!/, "^")
          .replace(/\\/g, "\\\\");
        source += `[${body}]`;
        i = end;
      }
    } else source += ch.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

/** glob(3) leaves dot files out of wildcard matches unless the pattern itself starts with a dot. */
function matchesSegment(name: string, glob: string, regex: RegExp): boolean {
  return regex.test(name) && (!name.startsWith(".") || glob.startsWith("."));
}

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
    if (!hasWildcard(pattern)) return [pattern];
    const { root } = path.parse(pattern);
    let bases = [root];
    for (const segment of pattern.slice(root.length).split("/").filter(Boolean)) {
      if (!hasWildcard(segment)) {
        bases = bases.map((base) => path.join(base, segment));
        continue;
      }
      const regex = segmentRegex(segment);
      bases = bases.flatMap((base) => {
        try {
          return readdirSync(base)
            .filter((name) => matchesSegment(name, segment, regex))
            .sort()
            .map((name) => path.join(base, name));
        } catch {
          return [];
        }
      });
    }
    // As glob(3) does for nginx: a matching name counts even when it cannot be opened (a symbolic-link
    // loop, a dangling link); reading it then says why, as nginx -t would.
    return bases.filter((file) => lstatSync(file, { throwIfNoEntry: false }) !== undefined);
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
      const segments = pattern.split("/");
      const regexes = segments.map(segmentRegex);
      return [...files.keys()]
        .filter((file) => {
          const parts = file.split("/");
          return (
            parts.length === segments.length &&
            parts.every((part, i) => matchesSegment(part, segments[i]!, regexes[i]!))
          );
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
