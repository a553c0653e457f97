/** Builds probe requests the same way every time, sends them with bounded concurrency, counts them. */
import type { HeaderList, Replay } from "../report/model.js";
import { send, type TransportOptions, type WireRequest } from "../transport/send.js";
import { VERSION } from "../version.js";
import type { Captured } from "./evidence.js";
import type { RequestGate } from "./options.js";
import { curlReplay } from "./replay.js";

export interface ProbeSpec {
  label: string;
  method?: WireRequest["method"];
  url: URL;
  /** Replaces the Host header (default: the URL's host, with the port when not the default). */
  host?: string;
  headers?: HeaderList;
  requestTarget?: string;
  servername?: string;
  cookie?: string;
  form?: Record<string, string>;
  /** Written on the connection before the request: a PROXY protocol header. */
  preface?: Buffer;
  /** Keep the server certificate's fingerprint (costly: only where a check compares certificates). */
  recordCertificate?: boolean;
  /** Transport settings for this probe alone, e.g. a client certificate. */
  transport?: Partial<TransportOptions>;
  /**
   * A connection of its own, for requests whose answer may depend on the connection: a foreign Host or
   * request target, which a proxy might route by connection. Probes with a preface or their own
   * transport settings always get one; every other probe may share a kept-alive connection.
   */
  freshConnection?: boolean;
}

/**
 * `path` on `origin`'s scheme, host and port, whatever the path holds. Not `new URL(path, origin)`:
 * that reads a path starting with `//` (`//admin/`) as another host, and a probe never leaves the target's.
 */
export function pathOn(origin: URL, path: string): URL {
  return new URL(`${origin.origin}${path.startsWith("/") ? "" : "/"}${path}`);
}

/** Host header value for a URL as a browser would send it. */
export function hostHeader(url: URL): string {
  return url.host;
}

export class ProbeClient {
  count = 0;
  private running = 0;
  private readonly queue: (() => void)[] = [];

  constructor(
    private readonly transport: TransportOptions,
    private readonly userHeaders: HeaderList,
    private readonly concurrency: number,
    private readonly gate?: RequestGate,
    /** The --cacert file, named in replays. */
    private readonly caFile?: string,
  ) {}

  async probe(spec: ProbeSpec): Promise<Captured> {
    const headers: HeaderList = [
      ["Host", spec.host ?? hostHeader(spec.url)],
      ["User-Agent", `proxytrust/${VERSION}`],
      ["Accept", "text/html,*/*"],
      ...this.userHeaders,
      ...(spec.cookie ? ([["Cookie", spec.cookie]] as HeaderList) : []),
      ...(spec.headers ?? []),
    ];
    const body = spec.form ? new URLSearchParams(spec.form).toString() : undefined;
    if (body !== undefined) headers.push(["Content-Type", "application/x-www-form-urlencoded"]);
    const request: WireRequest = {
      method: spec.method ?? (body !== undefined ? "POST" : "GET"),
      url: spec.url,
      headers,
      requestTarget: spec.requestTarget,
      servername: spec.servername,
      body,
      preface: spec.preface,
      recordCertificate: spec.recordCertificate,
      reuseConnection: !spec.freshConnection && !spec.preface && !spec.transport,
    };
    // The same options object for every ordinary probe, so the transport can reuse its TLS context.
    const transport = spec.transport ? { ...this.transport, ...spec.transport } : this.transport;
    const sendNow = () => send(request, transport);
    const result = await this.withSlot(() => (this.gate ? this.gate(request.url, sendNow) : sendNow()));
    this.count += 1;
    const captured: Captured = {
      label: spec.label,
      request: {
        method: request.method,
        url: spec.url.href,
        headers,
        ...(body !== undefined ? { body } : {}),
        ...(spec.requestTarget ? { requestTarget: spec.requestTarget } : {}),
      },
    };
    let replay: Replay | undefined;
    // Once per probe, however many checks show it.
    captured.replay = () =>
      (replay ??= curlReplay(request, {
        mappings: transport.mappings,
        caFile: this.caFile,
        insecure: transport.insecure,
        clientCertificate: transport.clientCertificate !== undefined,
      }));
    if (result.ok) captured.response = result.response;
    else {
      captured.error = result.error;
      if (result.noAnswer) captured.noAnswer = true;
    }
    return captured;
  }

  private async withSlot<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.running += 1;
    try {
      return await task();
    } finally {
      this.running -= 1;
      this.queue.shift()?.();
    }
  }
}
