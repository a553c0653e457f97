/**
 * Reads one HTTP/1.1 response from a kept-alive connection, as its bytes arrive, for the common shape
 * only: a status line, CRLF-ended header lines, and a body framed by Content-Length or chunked (or none).
 * Anything else (1xx, a body ended by closing the connection, folded or malformed lines, conflicting
 * framing, a header block over the limit) is "unusual": the caller sends the request again through
 * node:http, which reads every shape and names every fault. Node's HTTP client costs several times the
 * CPU of this reader per request, and most of a scan's requests run on kept-alive connections.
 */
import { HTTP_TOKEN, NOT_FIELD_TEXT } from "../http-syntax.js";
import type { HeaderList } from "../report/model.js";

export interface ReadResponse {
  status: number;
  headers: HeaderList;
  body: Buffer[];
  bodyTruncated: boolean;
  /** The connection may carry another request: HTTP/1.1, no `Connection: close`, nothing left over. */
  reusable: boolean;
}

export type ReadProgress = "more" | "done" | "unusual";

const STATUS_LINE = /^HTTP\/1\.([01]) ([1-9]\d\d)(?: [\t\x20-\x7e\x80-\xff]*)?$/;
/** A chunk size with extensions in the token grammar, quoted values included, as node:http reads them. */
const CHUNK_SIZE =
  /^([0-9A-Fa-f]{1,15})(?:;[!#$%&'*+\-.^_`|~0-9A-Za-z]+(?:=(?:[!#$%&'*+\-.^_`|~0-9A-Za-z]+|"[\t\x20\x21\x23-\x5b\x5d-\x7e\x80-\xff]*"))?)*$/;
const CRLF = Buffer.from("\r\n");
const HEAD_END = Buffer.from("\r\n\r\n");
const HTTP_START = Buffer.from("HTTP/1.");
/** A chunk-size or trailer line longer than this is not one this reader needs to read. */
const MAX_LINE_BYTES = 4096;
/**
 * Reads that may arrive while one line or header block is incomplete. Each read is joined to the bytes
 * before it and scanned again; a server trickling its head byte by byte is left to node:http, whose
 * parser keeps no such state, instead of costing time quadratic in its size.
 */
const MAX_READS_PER_LINE = 32;

type Stage =
  | { kind: "head" }
  | { kind: "length"; left: number }
  | { kind: "chunk-size" }
  | { kind: "chunk-data"; left: number }
  | { kind: "chunk-end" }
  | { kind: "trailers" }
  | { kind: "done" };

export class ResponseReader {
  private pending: Buffer = Buffer.alloc(0);
  private stage: Stage = { kind: "head" };
  private bodyBytes = 0;
  private keepAlive = false;
  private response: ReadResponse | undefined;
  private readsOnLine = 0;

  constructor(
    private readonly limits: { maxHeaderBytes: number; maxBodyBytes: number },
    /** A HEAD request: the response has headers only, whatever they announce. */
    private readonly headOnly: boolean,
  ) {}

  /** The response once `feed` said "done". */
  get result(): ReadResponse | undefined {
    return this.stage.kind === "done" ? this.response : undefined;
  }

  /** True once any byte of a response has arrived: a connection closed before that was stale, not answered. */
  get started(): boolean {
    return this.pending.length > 0 || this.response !== undefined;
  }

  feed(chunk: Buffer): ReadProgress {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    for (;;) {
      const progress = this.step();
      if (progress !== "more") return progress;
      if (this.stage.kind === "done") return this.finish();
      if (!this.canStep()) break;
    }
    this.readsOnLine = this.onLine() ? this.readsOnLine + 1 : 0;
    return this.plausible() ? "more" : "unusual";
  }

  /**
   * Whether the bytes at hand can still be read here, decided as they arrive: a server that answers
   * with something else (a banner, bare LF line ends, an endless line) is handed over at once, never
   * waited on until the timeout.
   */
  private plausible(): boolean {
    if (!this.onLine()) return true;
    if (this.readsOnLine > MAX_READS_PER_LINE) return false;
    const { pending } = this;
    const head = this.stage.kind === "head";
    const start = Math.min(pending.length, HTTP_START.length);
    if (head && pending.compare(HTTP_START, 0, start, 0, start) !== 0) return false;
    // A whole head or line is judged by its parser; one still arriving must be able to end.
    if (pending.includes(head ? HEAD_END : CRLF)) return true;
    if (pending.length > (head ? this.limits.maxHeaderBytes : MAX_LINE_BYTES)) return false;
    // Lines end with CRLF: after a bare LF, node:http names the fault.
    for (let at = pending.indexOf(0x0a); at !== -1; at = pending.indexOf(0x0a, at + 1))
      if (at === 0 || pending[at - 1] !== 0x0d) return false;
    return true;
  }

  /** Reading the head or a line of a chunked body, not body bytes. */
  private onLine(): boolean {
    const { kind } = this.stage;
    return kind === "head" || kind === "chunk-size" || kind === "chunk-end" || kind === "trailers";
  }

  /** Whether the bytes at hand let the current stage move on. */
  private canStep(): boolean {
    switch (this.stage.kind) {
      case "head":
        return this.pending.includes(HEAD_END);
      case "length":
      case "chunk-data":
        return this.pending.length > 0 || this.stage.left === 0;
      case "chunk-size":
      case "chunk-end":
      case "trailers":
        return this.pending.includes(CRLF);
      case "done":
        return true;
    }
  }

  private step(): ReadProgress {
    const stage = this.stage;
    switch (stage.kind) {
      case "head":
        return this.readHead();
      case "length": {
        const left = stage.left - this.take(stage.left);
        this.stage = left === 0 || this.truncated ? { kind: "done" } : { kind: "length", left };
        return "more";
      }
      case "chunk-size": {
        const line = this.line();
        if (line === undefined) return "more";
        const size = CHUNK_SIZE.exec(line);
        if (!size) return "unusual";
        const left = parseInt(size[1] as string, 16);
        this.stage = left === 0 ? { kind: "trailers" } : { kind: "chunk-data", left };
        return "more";
      }
      case "chunk-data": {
        const left = stage.left - this.take(stage.left);
        if (this.truncated) this.stage = { kind: "done" };
        else this.stage = left === 0 ? { kind: "chunk-end" } : { kind: "chunk-data", left };
        return "more";
      }
      case "chunk-end": {
        const line = this.line();
        if (line === undefined) return "more";
        if (line !== "") return "unusual";
        this.stage = { kind: "chunk-size" };
        return "more";
      }
      case "trailers": {
        const line = this.line();
        if (line === undefined) return "more";
        if (line === "") this.stage = { kind: "done" };
        else if (!isHeaderLine(line)) return "unusual";
        return "more";
      }
      case "done":
        return "more";
    }
  }

  private readHead(): ReadProgress {
    const end = this.pending.indexOf(HEAD_END);
    if (end === -1) return this.pending.length > this.limits.maxHeaderBytes ? "unusual" : "more";
    if (end > this.limits.maxHeaderBytes) return "unusual";
    const lines = this.pending.toString("latin1", 0, end).split("\r\n");
    this.readsOnLine = 0;
    this.pending = this.pending.subarray(end + HEAD_END.length);
    const status = STATUS_LINE.exec(lines[0] as string);
    if (!status) return "unusual";
    const code = Number(status[2]);
    if (code < 200) return "unusual";
    const headers: HeaderList = [];
    for (const line of lines.slice(1)) {
      if (!isHeaderLine(line)) return "unusual";
      const colon = line.indexOf(":");
      headers.push([line.slice(0, colon), line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, "")]);
    }
    const named = (wanted: string) => headers.filter(([name]) => name.toLowerCase() === wanted);
    const lengths = named("content-length");
    const codings = named("transfer-encoding");
    const connection = named("connection").map(([, value]) => value.toLowerCase());
    this.keepAlive = status[1] === "1" && !connection.some((value) => /(^|,)\s*close\s*(,|$)/.test(value));
    this.response = { status: code, headers, body: [], bodyTruncated: false, reusable: false };
    if (this.headOnly || code === 204 || code === 304) {
      this.stage = { kind: "done" };
      return "more";
    }
    if (codings.length > 0) {
      if (lengths.length > 0 || codings.length > 1 || codings[0]?.[1].toLowerCase() !== "chunked")
        return "unusual";
      this.stage = { kind: "chunk-size" };
      return "more";
    }
    // Without a length the body ends when the connection closes: node:http reads that shape.
    if (lengths.length !== 1 || !/^\d{1,15}$/.test(lengths[0]?.[1] ?? "")) return "unusual";
    const left = Number(lengths[0]?.[1]);
    this.stage = left === 0 ? { kind: "done" } : { kind: "length", left };
    return "more";
  }

  /** One CRLF-ended line, consumed; undefined until it has fully arrived. */
  private line(): string | undefined {
    const end = this.pending.indexOf(CRLF);
    if (end === -1) return undefined;
    this.readsOnLine = 0;
    const line = this.pending.toString("latin1", 0, end);
    this.pending = this.pending.subarray(end + CRLF.length);
    return line;
  }

  /** Up to `wanted` body bytes from those at hand, kept up to the body limit; returns how many were used. */
  private take(wanted: number): number {
    const taken = Math.min(wanted, this.pending.length);
    const bytes = this.pending.subarray(0, taken);
    this.pending = this.pending.subarray(taken);
    const room = this.limits.maxBodyBytes - this.bodyBytes;
    const response = this.response as ReadResponse;
    // Past the limit, enough is known to judge: the rest is not read, and the connection not reused.
    if (bytes.length > room) response.bodyTruncated = true;
    const kept = bytes.length > room ? bytes.subarray(0, room) : bytes;
    if (kept.length > 0) response.body.push(kept);
    this.bodyBytes += kept.length;
    return taken;
  }

  private get truncated(): boolean {
    return this.response?.bodyTruncated === true;
  }

  private finish(): ReadProgress {
    const response = this.response as ReadResponse;
    // Bytes past the end of the answer in the same read: node:http says what they are.
    if (this.pending.length > 0 && !response.bodyTruncated) return "unusual";
    response.reusable = this.keepAlive && !response.bodyTruncated;
    return "done";
  }
}

/** `name: value` with a token name and a value node:http accepts. */
function isHeaderLine(line: string): boolean {
  const colon = line.indexOf(":");
  return colon > 0 && HTTP_TOKEN.test(line.slice(0, colon)) && !NOT_FIELD_TEXT.test(line.slice(colon + 1));
}
