/**
 * Reading the probe middleware's request log (PROXYTRUST_PROBE_LOG=1, python/proxytrust_probe.py):
 * one JSON object per line, found behind whatever prefix the app's log format adds.
 */
import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { z } from "zod";

/** The key that marks a request line (LOG_RECORD_KEY in the middleware). */
const RECORD_KEY = "proxytrust_request";

const RawRecord = z.object({
  [RECORD_KEY]: z.number(),
  method: z.string().nullable(),
  path: z.string().nullable(),
  scheme: z.string().nullable(),
  is_secure: z.boolean().nullable(),
  host: z.string().nullable(),
  host_error: z.string().nullable(),
  remote_addr: z.string().nullable(),
  headers: z.record(z.string(), z.string()),
});

export interface LogRecord {
  /** 1-based line number in the log. */
  line: number;
  method: string;
  path: string;
  scheme?: string;
  isSecure?: boolean;
  host?: string;
  /** Why get_host() failed, e.g. "DisallowedHost: Invalid HTTP_HOST header: …". */
  hostError?: string;
  remoteAddr?: string;
  /** WSGI META keys (HTTP_X_FORWARDED_PROTO) to the values Django received. */
  headers: Record<string, string>;
}

export interface LogRead {
  records: LogRecord[];
  /** Lines that carry the request marker but could not be read as a record. */
  unreadable: number[];
}

/** The record on one log line, null when the line is not a request line, "unreadable" when it is but broken. */
export function parseLogLine(text: string, line: number): LogRecord | null | "unreadable" {
  if (!text.includes(`"${RECORD_KEY}"`)) return null;
  const raw = RawRecord.safeParse(jsonAtEnd(text));
  if (!raw.success) return "unreadable";
  const r = raw.data;
  return {
    line,
    method: r.method ?? "?",
    path: r.path ?? "?",
    ...(r.scheme !== null ? { scheme: r.scheme } : {}),
    ...(r.is_secure !== null ? { isSecure: r.is_secure } : {}),
    ...(r.host !== null ? { host: r.host } : {}),
    ...(r.host_error !== null ? { hostError: r.host_error } : {}),
    ...(r.remote_addr ? { remoteAddr: r.remote_addr } : {}),
    headers: r.headers,
  };
}

/**
 * Braces tried as the record's start: a log prefix (timestamp, level, logger) holds a few at most,
 * and each failed try reads the rest of the line, so a line of braces must not make this quadratic.
 */
const MAX_STARTS_TRIED = 64;

/** The JSON object that ends the line, behind any prefix (timestamps, levels, logger names). */
function jsonAtEnd(text: string): unknown {
  const body = text.trimEnd();
  // The record holds its key, so it starts before the key's first occurrence.
  const key = body.indexOf(`"${RECORD_KEY}"`);
  let tried = 0;
  for (
    let start = body.indexOf("{");
    start >= 0 && start < key && tried < MAX_STARTS_TRIED;
    start = body.indexOf("{", start + 1), tried++
  ) {
    try {
      return JSON.parse(body.slice(start));
    } catch {
      // a brace inside the prefix: try the next one
    }
  }
  return undefined;
}

/**
 * The longest line read as a possible record. The middleware cuts every value to 256 characters
 * (LOG_VALUE_CAP), at most 12 each once ensure_ascii has escaped them, and app servers take about 100
 * headers: a record stays well under this.
 */
export const MAX_LINE_CHARS = 1024 * 1024;

/** Stands for a line too long to hold that carries the record key. */
const OVERLONG_RECORD = Symbol("overlong record");

/**
 * Calls `onLine` with each line of the log, split where readline splits (\n, \r\n, a lone \r). A
 * line longer than MAX_LINE_CHARS is not held, so no line can exhaust memory: it is searched for the
 * record key as it streams past, and handed on as OVERLONG_RECORD when it holds one, else as "".
 */
async function eachLine(input: Readable, onLine: (text: string | typeof OVERLONG_RECORD) => void) {
  const key = `"${RECORD_KEY}"`;
  const decoder = new StringDecoder("utf8");
  let held = "";
  let overlong = false;
  let marked = false;
  const add = (piece: string) => {
    held += piece;
    if (!overlong && held.length <= MAX_LINE_CHARS) return;
    overlong = true;
    marked ||= held.includes(key);
    // Only as much as could be the start of a key cut between two pieces.
    held = held.slice(1 - key.length);
  };
  const end = () => {
    onLine(overlong ? (marked ? OVERLONG_RECORD : "") : held);
    held = "";
    overlong = marked = false;
  };
  let afterCr = false;
  for await (const chunk of input) {
    let text = typeof chunk === "string" ? chunk : decoder.write(chunk as Buffer);
    // A \r\n cut between two chunks is one line break.
    if (afterCr && text.startsWith("\n")) {
      text = text.slice(1);
      afterCr = false;
    }
    // A chunk that decodes to nothing (half a character) leaves the last one's \r pending.
    if (text) afterCr = text.endsWith("\r");
    const pieces = text.split(/\r\n|\r|\n/);
    add(pieces[0]!);
    for (let i = 1; i < pieces.length; i++) {
      end();
      add(pieces[i]!);
    }
  }
  add(decoder.end());
  if (held || overlong) end();
}

export async function readLogRecords(input: Readable): Promise<LogRead> {
  const records: LogRecord[] = [];
  const unreadable: number[] = [];
  let line = 0;
  await eachLine(input, (text) => {
    line += 1;
    const parsed = text === OVERLONG_RECORD ? "unreadable" : parseLogLine(text, line);
    if (parsed === "unreadable") unreadable.push(line);
    else if (parsed) records.push(parsed);
  });
  return { records, unreadable };
}
