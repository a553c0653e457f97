/**
 * One HTTP exchange with full control of the wire: the caller writes every header
 * (Host included, duplicates allowed), the request target may be absolute-form, SNI is
 * independent of Host, redirects are never followed, every Set-Cookie line is kept, and
 * bodies and header blocks are capped so a hostile server cannot exhaust memory.
 * Requests are written and read here, on a kept-alive connection or on one of their own: node:http
 * would cost several times the CPU. node:http reads any answer of a shape the reader here leaves to
 * it, and sends a request that starts with a PROXY protocol preface or holds a header it refuses.
 */
import http from "node:http";
import https from "node:https";
import { connect as connectTcp, isIP, type Socket } from "node:net";
import { Duplex } from "node:stream";
import {
  checkServerIdentity,
  connect as connectTls,
  createSecureContext,
  type ConnectionOptions,
  type SecureContext,
  TLSSocket,
} from "node:tls";
import { HTTP_TOKEN, NOT_FIELD_TEXT } from "../http-syntax.js";
import type { HeaderList } from "../report/model.js";
import { ONE_SHOT, type ConnectionPool, type Connections } from "./kept-alive.js";
import { connectAddress, type ConnectMapping } from "./mapping.js";
import { ResponseReader, type ReadResponse } from "./response-reader.js";

export { ConnectionPool } from "./kept-alive.js";

export interface WireRequest {
  method: "GET" | "HEAD" | "POST";
  /** Scheme, host and port to connect to (before mappings) and the default request target. */
  url: URL;
  /** Sent exactly as given, in order. */
  headers: HeaderList;
  /** Overrides the request line target, e.g. an absolute-form URL with a foreign host. */
  requestTarget?: string;
  /** TLS server name; defaults to the URL's host name (never an IP literal, per RFC 6066). */
  servername?: string;
  body?: string;
  /** Bytes written on the connection before anything else, TLS included: a PROXY protocol header. */
  preface?: Buffer;
  /** Keep the server certificate's fingerprint (parsing it is costly). */
  recordCertificate?: boolean;
  /**
   * May run on a kept-alive connection from `TransportOptions.connections`: only for requests whose
   * meaning cannot depend on what was sent before on the same connection.
   */
  reuseConnection?: boolean;
}

export interface TransportOptions {
  mappings: readonly ConnectMapping[];
  timeoutMs: number;
  ca?: string | Buffer;
  insecure: boolean;
  /** PEM certificate and key presented when a TLS server asks for a client certificate. */
  clientCertificate?: { cert: string | Buffer; key: string | Buffer };
  /** Bytes of body kept; the rest is discarded and the connection closed. */
  maxBodyBytes: number;
  maxHeaderBytes: number;
  /** Aborts every exchange still running, e.g. at the scan's overall deadline. */
  signal?: AbortSignal;
  /** Kept-alive connections for requests marked `reuseConnection`; without it every request has its own. */
  connections?: ConnectionPool;
}

/** What tls.connect itself calls to resume a session; untyped in @types/node. */
type ResumableSocket = TLSSocket & { setSession?: (session: Buffer) => void };

/**
 * Opens a TLS connection resuming the session its options name, parsed once: tls.connect, given a
 * session in its options, parses it twice (about 0.13 ms a connection).
 */
function connectResuming(options: ConnectionOptions): TLSSocket {
  const { session, ...rest } = options;
  const setSession = (TLSSocket.prototype as ResumableSocket).setSession;
  if (!session || !setSession) return connectTls(options);
  const socket = connectTls(rest);
  setSession.call(socket, session);
  return socket;
}

class ResumingAgent extends https.Agent {
  override createConnection(options: https.RequestOptions): TLSSocket {
    return connectResuming(options as ConnectionOptions);
  }
}

/** For requests on a connection of their own: one agent each that keeps nothing open, shared. */
const FRESH = {
  http: new http.Agent(),
  https: new ResumingAgent({ maxCachedSessions: 0 }),
};

export interface WireResponse {
  status: number;
  headers: HeaderList;
  body: string;
  bodyTruncated: boolean;
  /** The connection broke off before the body ended (reset, abort): the body is only its start. */
  brokenOff?: true;
  /** SHA-256 fingerprint of the certificate the server presented (https only). */
  tlsCertificateSha256?: string;
}

/** `noAnswer`: nothing came back in time (per-request timeout or the scan's deadline), as opposed to a refusal. */
export type WireResult = { ok: true; response: WireResponse } | { ok: false; error: string; noAnswer?: true };

export const DEFAULT_TRANSPORT: Omit<TransportOptions, "mappings"> = {
  timeoutMs: 10_000,
  insecure: false,
  maxBodyBytes: 256 * 1024,
  maxHeaderBytes: 64 * 1024,
};

function pairs(raw: string[]): HeaderList {
  const list: HeaderList = [];
  for (let i = 0; i + 1 < raw.length; i += 2) list.push([raw[i] as string, raw[i + 1] as string]);
  return list;
}

const ERROR_TEXT: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset by peer",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ENOTFOUND: "host name not found",
  EAI_AGAIN: "host name lookup failed",
  EPIPE: "connection closed while sending",
  HPE_HEADER_OVERFLOW: "response header block too large",
  HPE_INVALID_CONSTANT: "malformed HTTP response",
  HPE_INVALID_STATUS: "malformed status line",
  HPE_INVALID_HEADER_TOKEN: "malformed response header",
  HPE_UNEXPECTED_CONTENT_LENGTH: "conflicting Content-Length headers",
  HPE_INVALID_CONTENT_LENGTH: "invalid Content-Length",
  HPE_LF_EXPECTED: "malformed line ending in response",
  HPE_CR_EXPECTED: "malformed line ending in response",
  UND_ERR_SOCKET: "socket error",
  ERR_TLS_CERT_ALTNAME_INVALID: "TLS certificate does not match the host name",
  DEPTH_ZERO_SELF_SIGNED_CERT: "TLS certificate is self-signed (use --cacert or --insecure)",
  SELF_SIGNED_CERT_IN_CHAIN: "TLS certificate chain has an untrusted root (use --cacert or --insecure)",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "TLS certificate cannot be verified (use --cacert)",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "TLS certificate issuer is unknown (use --cacert)",
  CERT_HAS_EXPIRED: "TLS certificate has expired",
};

export function describeError(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { reason?: string };
  const known = e?.code ? ERROR_TEXT[e.code] : undefined;
  if (known) return known;
  if (e?.code?.startsWith("ERR_SSL") || e?.code?.startsWith("ERR_TLS") || /SSL|TLS/.test(e?.message ?? "")) {
    // OpenSSL's text carries library paths and line numbers; its reason phrase is what people need.
    const reason = e.reason ?? /routines:[^:]*:([^:]+):/.exec(e.message)?.[1] ?? e.message;
    return `TLS handshake failed: ${reason.split("\n")[0]}`;
  }
  if (e?.code === "ECONNRESET" || e?.message === "socket hang up")
    return "connection closed without a response";
  return (e?.message ? e.message : String(err)).split("\n")[0] as string;
}

/**
 * TLS sessions by server address and name, remembered so that later connections resume them. While a
 * server's first handshake runs, other connections to it wait for its session instead of each paying
 * for a full handshake of their own (a scan's first probes start together).
 */
class TlsSessions {
  /**
   * Each server's newest session and the certificate of the handshake that made it, which a resumed
   * connection no longer shows. `null`: the first handshake ended without a session, so nobody waits.
   */
  private readonly byServer = new Map<string, { session: Buffer; certificate?: string } | null>();
  /** Servers whose first handshake is running: settles when it brings a session or its exchange ends. */
  private readonly firstHandshakes = new Map<string, { settled: Promise<void>; settle: () => void }>();

  constructor(private readonly capacity: number) {}

  get(server: string): Buffer | undefined {
    return this.byServer.get(server)?.session;
  }

  /** The SHA-256 fingerprint of the certificate the server's sessions were made with. */
  certificate(server: string): string | undefined {
    return this.byServer.get(server)?.certificate;
  }

  /** Keeps the newest session of each server; the server remembered longest ago makes room. */
  set(server: string, session: Buffer | null, certificate?: string): void {
    this.byServer.delete(server);
    if (this.byServer.size >= this.capacity) this.byServer.delete(this.byServer.keys().next().value!);
    this.byServer.set(server, session && { session, ...(certificate ? { certificate } : {}) });
    const running = this.firstHandshakes.get(server);
    this.firstHandshakes.delete(server);
    running?.settle();
  }

  /**
   * Waits until a connection to `server` may start: at once when there is a session (or none will come),
   * else once the first handshake running has settled. Returns what the caller calls when its exchange is
   * over: when it makes the first handshake itself, that lets the others go even without a session.
   */
  async turn(server: string): Promise<() => void> {
    for (;;) {
      if (this.byServer.has(server)) return () => undefined;
      const running = this.firstHandshakes.get(server);
      if (!running) break;
      await running.settled;
    }
    let settle!: () => void;
    const running = { settled: new Promise<void>((resolve) => (settle = resolve)), settle };
    this.firstHandshakes.set(server, running);
    return () => {
      if (this.firstHandshakes.get(server) === running) this.set(server, null);
    };
  }
}

interface TlsReuse {
  context: SecureContext;
  /**
   * One cache for kept-alive and fresh connections alike: a probe on a connection of its own resumes
   * the session an earlier probe of the same scan negotiated, instead of a full handshake.
   */
  sessions: TlsSessions;
}

const tlsReuse = new WeakMap<TransportOptions, TlsReuse>();
/** By CA, for the many scans of a fleet that share one: each would otherwise parse it again. */
const tlsReuseByCa = new Map<string, TlsReuse>();
const CAS_REMEMBERED = 8;
const SESSIONS_REMEMBERED = 256;

/** One TLS context and session cache per CA (or set of options with a client certificate): building them is costly. */
function reuseFor(opts: TransportOptions): TlsReuse {
  const caKey =
    opts.clientCertificate === undefined && typeof opts.ca !== "object" ? (opts.ca ?? "") : undefined;
  let reuse = caKey === undefined ? tlsReuse.get(opts) : tlsReuseByCa.get(caKey);
  if (!reuse) {
    reuse = {
      context: createSecureContext({ ca: opts.ca, ...opts.clientCertificate }),
      sessions: new TlsSessions(SESSIONS_REMEMBERED),
    };
    if (caKey === undefined) tlsReuse.set(opts, reuse);
    else {
      if (tlsReuseByCa.size >= CAS_REMEMBERED) tlsReuseByCa.delete(tlsReuseByCa.keys().next().value!);
      tlsReuseByCa.set(caKey, reuse);
    }
  }
  return reuse;
}

/**
 * Sends one request; never throws, never follows redirects. A kept-alive connection the server closed
 * just as the request went out is a race, not an answer: the request is sent again on a new connection.
 */
export async function send(req: WireRequest, opts: TransportOptions): Promise<WireResult> {
  // Past the deadline nothing is sent: no connection is opened only to be dropped.
  if (opts.signal?.aborted) return { ok: false, error: abortReason(opts.signal), noAnswer: true };
  // A request with a preface runs through node:http, on a connection made to write the preface first.
  const pool =
    req.preface !== undefined
      ? undefined
      : req.reuseConnection && opts.connections
        ? opts.connections
        : ONE_SHOT;
  const peer = peerOf(req, opts);
  const handshakeDone = peer.tls ? await peer.tls.sessions.turn(peer.tlsServer) : undefined;
  try {
    const direct = pool ? await attemptDirect(req, opts, peer, pool) : undefined;
    if (direct === undefined || direct === STALE_CONNECTION || direct === NOT_WRITTEN)
      return await attempt(req, opts, peer);
    // An answer of a shape only node:http reads: it reads the same bytes, nothing is sent again.
    if ("handOver" in direct) return await attempt(req, opts, peer, direct.handOver);
    return direct;
  } finally {
    handshakeDone?.();
  }
}

/** Where a request goes: the address connected to, the TLS name, and for TLS the reuse state. */
interface Peer {
  host: string;
  port: number;
  servername: string;
  tls?: TlsReuse;
  /** Key of the TLS session cache: address and name. */
  tlsServer: string;
}

function peerOf(req: WireRequest, opts: TransportOptions): Peer {
  const isTls = req.url.protocol === "https:";
  const port = req.url.port ? Number(req.url.port) : isTls ? 443 : 80;
  const target = connectAddress(req.url.hostname, port, opts.mappings);
  const servername = req.servername ?? req.url.hostname.replace(/^\[|\]$/g, "");
  return {
    ...target,
    servername,
    ...(isTls ? { tls: reuseFor(opts) } : {}),
    tlsServer: `${target.host}|${target.port}|${servername}`,
  };
}

/** A deadline aborts with a TimeoutError; anything else (an interruption) says why itself. */
function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  const why = reason instanceof Error && reason.name !== "TimeoutError" ? reason.message : undefined;
  return why ?? "scan deadline reached (--max-time)";
}

/**
 * Each TLS connection's certificate, read at its handshake: by the time a response is parsed the
 * socket may no longer return it, and a kept-alive request never sees a handshake.
 */
const peerFingerprints = new WeakMap<object, string>();

const STALE_CONNECTION = Symbol("stale kept-alive connection");
const STALE_CODES = new Set(["ECONNRESET", "EPIPE"]);
/** A header the transport will not write as given: node:http refuses it in its own words. */
const NOT_WRITTEN = Symbol("request not written");

/** The rest of an exchange node:http is to read: the bytes that came so far, then the connection's. */
interface HandOver {
  connection: Duplex;
  /** What is left of the request's time. */
  timeLeftMs: number;
}

/** A new TLS connection's session is kept for the next ones, and when asked its certificate for its requests. */
function watchHandshake(
  socket: TLSSocket,
  reuse: TlsReuse,
  server: string,
  recordCertificate: boolean,
): void {
  // A resumed connection shows no certificate: it is the one of the handshake that made the session.
  // Read once per connection: TLS 1.3 servers send several session tickets.
  const certificate = () => {
    let fingerprint = peerFingerprints.get(socket);
    if (fingerprint === undefined) {
      fingerprint = socket.isSessionReused()
        ? reuse.sessions.certificate(server)
        : socket.getPeerX509Certificate()?.fingerprint256;
      if (fingerprint) peerFingerprints.set(socket, fingerprint);
    }
    return fingerprint;
  };
  socket.on("session", (session: Buffer) => reuse.sessions.set(server, session, certificate()));
  if (recordCertificate) socket.once("secureConnect", certificate);
}

/** TLS options of a connection to `target`, checked against the URL's name, not the address connected to. */
function tlsOptions(target: Peer, opts: TransportOptions): ConnectionOptions {
  const { servername, tls: reuse } = target;
  return {
    servername: isIP(servername) ? undefined : servername,
    secureContext: reuse?.context,
    session: reuse?.sessions.get(target.tlsServer),
    rejectUnauthorized: !opts.insecure,
    checkServerIdentity: (_host, cert) => checkServerIdentity(servername, cert),
  };
}

/**
 * A request on a connection of its own, through node:http, which reads every shape of response; or,
 * handed over, the answer to a request already written on a kept-alive connection.
 */
function attempt(
  req: WireRequest,
  opts: TransportOptions,
  target: Peer,
  handOver?: HandOver,
): Promise<WireResult> {
  const reuse = target.tls;
  const isTls = reuse !== undefined;
  const headers: string[] = req.headers.flat();
  if (req.body !== undefined) headers.push("Content-Length", String(Buffer.byteLength(req.body)));

  return new Promise<WireResult>((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (result: WireResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      // node:http keeps a connection it did not get from an agent open; a pooled one must close to free its place.
      handOver?.connection.destroy();
      resolve(result);
    };
    const baseOptions: http.RequestOptions = {
      host: target.host,
      port: target.port,
      method: req.method,
      path: req.requestTarget ?? `${req.url.pathname}${req.url.search}`,
      headers: headers as unknown as http.OutgoingHttpHeaders,
      setHost: false,
      maxHeaderSize: opts.maxHeaderBytes,
    };
    const tls = tlsOptions(target, opts);
    const preface = req.preface;
    if (handOver) {
      baseOptions.agent = undefined;
      baseOptions.createConnection = () => handOver.connection;
    } else if (preface) {
      // No agent: the request runs on a connection of our own that starts with the preface.
      baseOptions.agent = undefined;
      baseOptions.createConnection = () => {
        const socket = connectTcp({ host: target.host, port: target.port });
        // The request reports this socket's failures once it adopts it; until then they must not crash us.
        socket.on("error", () => undefined);
        socket.write(preface);
        if (!isTls) return socket;
        const secure = connectResuming({ ...tls, socket, ALPNProtocols: ["http/1.1"] });
        socket.once("error", (err) => secure.destroy(err));
        secure.once("close", () => socket.destroy());
        return secure;
      };
    } else baseOptions.agent = isTls ? FRESH.https : FRESH.http;
    let request: http.ClientRequest;
    try {
      request = isTls ? https.request({ ...baseOptions, ...tls }) : http.request(baseOptions);
    } catch (err) {
      // A header node:http will not send (a control character, a character past U+00FF).
      return resolve({ ok: false, error: describeError(err) });
    }
    request.once("socket", (socket) => {
      if (!settled)
        timer = setTimeout(
          () => giveUp(`no complete answer within ${opts.timeoutMs / 1000} s`),
          handOver?.timeLeftMs ?? opts.timeoutMs,
        );
      if (reuse && !handOver)
        watchHandshake(socket as TLSSocket, reuse, target.tlsServer, req.recordCertificate === true);
    });
    // First, before anything can destroy the request: every failure is a result, never a throw.
    request.on("error", (err) => finish({ ok: false, error: describeError(err) }));

    const giveUp = (error: string) => {
      finish({ ok: false, error, noAnswer: true });
      request.destroy();
    };
    const onAbort = () => giveUp(abortReason(opts.signal!));
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener("abort", onAbort, { once: true });

    request.on("response", (res) => {
      const fingerprint = req.recordCertificate ? peerFingerprints.get(res.socket) : undefined;
      const chunks: Buffer[] = [];
      let kept = 0;
      let truncated = false;
      const done = (brokenOff = false) =>
        finish({
          ok: true,
          response: {
            status: res.statusCode ?? 0,
            headers: pairs(res.rawHeaders),
            body: Buffer.concat(chunks).toString("latin1"),
            bodyTruncated: truncated,
            ...(brokenOff ? { brokenOff: true as const } : {}),
            ...(fingerprint ? { tlsCertificateSha256: fingerprint } : {}),
          },
        });
      res.on("data", (chunk: Buffer) => {
        const room = opts.maxBodyBytes - kept;
        if (room > 0) {
          chunks.push(chunk.subarray(0, room));
          kept += Math.min(room, chunk.length);
        }
        if (chunk.length > room) {
          // Enough to judge; stop reading instead of downloading a huge body.
          truncated = true;
          res.destroy();
          done();
        }
      });
      res.on("end", () => done());
      res.on("error", (err) => (kept > 0 ? done(true) : finish({ ok: false, error: describeError(err) })));
      res.on("aborted", () => done(true));
    });
    request.end(req.body);
  });
}

/** The request as bytes, or undefined when a header could not be sent as written (node:http says why). */
function requestBytes(req: WireRequest): Buffer | undefined {
  const body = req.body === undefined ? undefined : Buffer.from(req.body);
  const headers: HeaderList = body ? [...req.headers, ["Content-Length", String(body.length)]] : req.headers;
  let head = `${req.method} ${req.requestTarget ?? `${req.url.pathname}${req.url.search}`} HTTP/1.1\r\n`;
  for (const [name, value] of headers) {
    if (!HTTP_TOKEN.test(name) || NOT_FIELD_TEXT.test(value)) return undefined;
    head += `${name}: ${value}\r\n`;
  }
  const bytes = Buffer.from(`${head}\r\n`, "latin1");
  return body ? Buffer.concat([bytes, body]) : bytes;
}

/** Opens a connection for a pool or a single request: what node:http's agents would, TLS resuming the newest session. */
function openDirect(target: Peer, opts: TransportOptions): Socket {
  if (!target.tls) return connectTcp({ host: target.host, port: target.port, noDelay: true });
  const socket = connectResuming({ host: target.host, port: target.port, ...tlsOptions(target, opts) });
  watchHandshake(socket, target.tls, target.tlsServer, true);
  return socket;
}

/**
 * A request on a pooled connection or a connection of its own (ONE_SHOT), written and read here.
 * Answers of a shape the reader leaves to node:http, and a reused connection found closed,
 * come back as markers for the caller to send the request again on a new connection.
 */
async function attemptDirect(
  req: WireRequest,
  opts: TransportOptions,
  target: Peer,
  pool: Connections,
): Promise<WireResult | typeof STALE_CONNECTION | typeof NOT_WRITTEN | { handOver: HandOver }> {
  const bytes = requestBytes(req);
  if (!bytes) return NOT_WRITTEN;
  const key = `${target.tls ? "https" : "http"}|${target.tlsServer}`;
  const lease = await pool.acquire(key, () => openDirect(target, opts), opts.signal);
  if (!lease) {
    const error = opts.signal?.aborted
      ? abortReason(opts.signal)
      : "the scan ended before a connection was free";
    return { ok: false, error, noAnswer: true };
  }
  const { socket, reused } = lease;
  const reader = new ResponseReader(opts, req.method === "HEAD");
  const received: Buffer[] = [];
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const settle = () => {
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      socket.off("data", onData).off("error", onClosed).off("close", onClosed);
    };
    const finish = (outcome: WireResult | typeof STALE_CONNECTION, reusable = false) => {
      if (settled) return;
      settle();
      pool.release(key, socket, reusable);
      resolve(outcome);
    };
    // node:http reads what came and what follows; the connection is its own from here, never pooled again.
    const handOverToNode = () => {
      if (settled) return;
      settle();
      const connection = replaying(socket, received);
      const timeLeftMs = Math.max(0, opts.timeoutMs - (performance.now() - started));
      resolve({ handOver: { connection, timeLeftMs } });
    };
    const onData = (chunk: Buffer) => {
      received.push(chunk);
      const progress = reader.feed(chunk);
      if (progress === "unusual") return handOverToNode();
      const response = reader.result;
      if (progress === "done" && response)
        finish(wireResponse(response, socket, req.recordCertificate === true), response.reusable);
    };
    const onClosed = (err?: Error | boolean) => {
      const error = err instanceof Error ? err : undefined;
      const code = (error as NodeJS.ErrnoException | undefined)?.code ?? "";
      if (pool.closed)
        return finish({ ok: false, error: "the scan ended before the answer did", noAnswer: true });
      if (reused && !reader.started && (!error || STALE_CODES.has(code))) return finish(STALE_CONNECTION);
      if (error && !reader.started) return finish({ ok: false, error: describeError(error) });
      // Part of an answer then nothing, or a new connection closed unanswered: node:http names what that was.
      handOverToNode();
    };
    const onAbort = () => finish({ ok: false, error: abortReason(opts.signal!), noAnswer: true });
    const timer = setTimeout(
      () =>
        finish({ ok: false, error: `no complete answer within ${opts.timeoutMs / 1000} s`, noAnswer: true }),
      opts.timeoutMs,
    );
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    socket.on("data", onData).once("error", onClosed).once("close", onClosed);
    socket.write(bytes);
  });
}

/**
 * A stream for node:http to read an answer from: first the bytes already received, then the socket's.
 * What node:http writes (the request again) goes nowhere: the request went out once, on the socket.
 */
function replaying(socket: Socket, received: Buffer[]): Duplex {
  const connection = new Duplex({
    read() {},
    write(_chunk, _encoding, done) {
      done();
    },
    destroy(error, done) {
      socket.destroy();
      done(error);
    },
  });
  const fingerprint = peerFingerprints.get(socket);
  if (fingerprint) peerFingerprints.set(connection, fingerprint);
  for (const chunk of received) connection.push(chunk);
  if (socket.readableEnded || socket.destroyed) connection.push(null);
  else
    socket
      .on("data", (chunk: Buffer) => connection.push(chunk))
      .once("end", () => connection.push(null))
      .once("error", (error) => connection.destroy(error))
      .once("close", () => connection.push(null));
  return connection;
}

function wireResponse(response: ReadResponse, socket: Socket, recordCertificate: boolean): WireResult {
  const fingerprint = recordCertificate ? peerFingerprints.get(socket) : undefined;
  return {
    ok: true,
    response: {
      status: response.status,
      headers: response.headers,
      body: Buffer.concat(response.body).toString("latin1"),
      bodyTruncated: response.bodyTruncated,
      // As on a connection of its own, where reading stops by destroying the response.
      ...(response.bodyTruncated ? { brokenOff: true as const } : {}),
      ...(fingerprint ? { tlsCertificateSha256: fingerprint } : {}),
    },
  };
}
