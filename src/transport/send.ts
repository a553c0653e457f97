/**
 * One HTTP exchange with full control of the wire: the caller writes every header
 * (Host included, duplicates allowed), the request target may be absolute-form, SNI is
 * independent of Host, redirects are never followed, every Set-Cookie line is kept, and
 * bodies and header blocks are capped so a hostile server cannot exhaust memory.
 */
import http from "node:http";
import https from "node:https";
import { connect as connectTcp, isIP } from "node:net";
import {
  checkServerIdentity,
  connect as connectTls,
  createSecureContext,
  type ConnectionOptions,
  type SecureContext,
  TLSSocket,
} from "node:tls";
import type { HeaderList } from "../report/model.js";
import { connectAddress, type ConnectMapping } from "./mapping.js";

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

/**
 * Kept-alive connections to one origin, at most: requests beyond wait for one to be free. A new TLS
 * connection costs both ends more CPU than the few requests it would carry, and the site is spared a
 * burst of handshakes.
 */
const KEPT_ALIVE_PER_ORIGIN = 4;

/**
 * Kept-alive connections, one pool per scan: handshakes are most of a request's cost on a fast
 * link. Closed when the scan ends, so a fleet holds no idle sockets between targets.
 */
export class ConnectionPool {
  readonly http = new http.Agent({ keepAlive: true, maxSockets: KEPT_ALIVE_PER_ORIGIN });
  // Sessions are resumed from the transport's own cache, shared with fresh connections (see `reuseFor`).
  readonly https = new ResumingAgent({
    keepAlive: true,
    maxSockets: KEPT_ALIVE_PER_ORIGIN,
    maxCachedSessions: 0,
  });

  close(): void {
    this.http.destroy();
    this.https.destroy();
  }
}

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
  /** `null`: the server's first handshake ended without a session to resume, so nobody waits for one. */
  private readonly byServer = new Map<string, Buffer | null>();
  /** Servers whose first handshake is running: settles when it brings a session or its exchange ends. */
  private readonly firstHandshakes = new Map<string, { settled: Promise<void>; settle: () => void }>();

  constructor(private readonly capacity: number) {}

  get(server: string): Buffer | undefined {
    return this.byServer.get(server) ?? undefined;
  }

  /** Keeps the newest session of each server; the server remembered longest ago makes room. */
  set(server: string, session: Buffer | null): void {
    this.byServer.delete(server);
    if (this.byServer.size >= this.capacity) this.byServer.delete(this.byServer.keys().next().value!);
    this.byServer.set(server, session);
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
  const kept = req.reuseConnection === true && opts.connections !== undefined && req.preface === undefined;
  const peer = peerOf(req, opts);
  const handshakeDone = peer.tls ? await peer.tls.sessions.turn(peer.tlsServer) : undefined;
  try {
    const result = await attempt(req, opts, peer, kept);
    // A new connection is never stale.
    return result === STALE_CONNECTION ? ((await attempt(req, opts, peer, false)) as WireResult) : result;
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

/**
 * Sockets that have carried a request. Node marks a request `reusedSocket` only when a free socket
 * waits for it, not when a queued request is handed one, so reuse is tracked here.
 */
const carried = new WeakSet<object>();

const STALE_CONNECTION = Symbol("stale kept-alive connection");
const STALE_CODES = new Set(["ECONNRESET", "EPIPE"]);

function attempt(
  req: WireRequest,
  opts: TransportOptions,
  target: Peer,
  kept: boolean,
): Promise<WireResult | typeof STALE_CONNECTION> {
  const reuse = target.tls;
  const isTls = reuse !== undefined;
  const { servername, tlsServer: server } = target;
  const headers: string[] = req.headers.flat();
  if (req.body !== undefined) headers.push("Content-Length", String(Buffer.byteLength(req.body)));

  return new Promise<WireResult | typeof STALE_CONNECTION>((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (result: WireResult | typeof STALE_CONNECTION) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
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
    const tls: ConnectionOptions = {
      servername: isIP(servername) ? undefined : servername,
      secureContext: reuse?.context,
      session: reuse?.sessions.get(server),
      rejectUnauthorized: !opts.insecure,
      // Certificates are checked against the URL's name, not the address we connect to.
      checkServerIdentity: (_host, cert) => checkServerIdentity(servername, cert),
    };
    const preface = req.preface;
    if (preface) {
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
    } else {
      const agents = (kept ? opts.connections : undefined) ?? FRESH;
      baseOptions.agent = isTls ? agents.https : agents.http;
    }
    const request = isTls ? https.request({ ...baseOptions, ...tls }) : http.request(baseOptions);
    let reused = false;
    request.once("socket", (socket) => {
      // The answer is awaited from here: time spent queued for a kept-alive connection is not the server's.
      if (!settled)
        timer = setTimeout(
          () => giveUp(`no complete answer within ${opts.timeoutMs / 1000} s`),
          opts.timeoutMs,
        );
      reused = carried.has(socket);
      carried.add(socket);
      // A kept-alive socket keeps these from the request that opened it.
      if (!reuse || reused) return;
      socket.on("session", (session: Buffer) => reuse.sessions.set(server, session));
      // A pooled connection may later carry a request that records the certificate.
      if (req.recordCertificate || kept)
        socket.once("secureConnect", () => {
          const fingerprint = (socket as TLSSocket).getPeerX509Certificate()?.fingerprint256;
          if (fingerprint) peerFingerprints.set(socket, fingerprint);
        });
    });
    let answered = false;
    // First, before anything can destroy the request: every failure is a result, never a throw.
    request.on("error", (err) =>
      finish(
        reused && !answered && STALE_CODES.has((err as NodeJS.ErrnoException).code ?? "")
          ? STALE_CONNECTION
          : { ok: false, error: describeError(err) },
      ),
    );

    const giveUp = (error: string) => {
      finish({ ok: false, error, noAnswer: true });
      request.destroy();
    };
    const onAbort = () => giveUp(abortReason(opts.signal!));
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener("abort", onAbort, { once: true });

    request.on("response", (res) => {
      answered = true;
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
