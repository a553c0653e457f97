import type { ProxyKind } from "../clauses.js";
import type { HeaderList } from "../report/model.js";
import type { ConnectMapping } from "../transport/mapping.js";
import type { PemPair } from "../transport/throwaway-certificate.js";
import type { Leg } from "./evidence.js";
import { DEFAULT_PROBE_PATH } from "./probe-answer.js";

/** A PROXY protocol listener: its port on the target's host and the protocol spoken after the header. */
export interface ProxyProtocolListener {
  scheme: Leg;
  port: number;
}

export interface ScanOptions {
  mappings: ConnectMapping[];
  ca?: string;
  /** Where `ca` was read from, for the curl replay lines. */
  caFile?: string;
  insecure: boolean;
  timeoutMs: number;
  /** Deadline for the whole scan; probes still running then are reported as errors. */
  maxTimeMs: number;
  headers: HeaderList;
  cookiePath?: string;
  csrfPath?: string;
  csrfPost?: string;
  healthPaths: string[];
  /** The app server's own addresses (--origin, repeatable), for origin-exposure. */
  origins: URL[];
  /** A host whose usual app-server ports are tried (--origin-candidates). */
  originCandidatesHost?: string;
  proxy?: ProxyKind;
  /** The probe middleware's token; its answers make scheme, host and client-ip definitive. */
  probeToken?: string;
  probePath: string;
  concurrency: number;
  /** A listener on the target's host that expects PROXY protocol headers (--proxy-protocol-port). */
  proxyProtocolListener?: ProxyProtocolListener;
  /** The proxy's own client certificate, to check an https --origin demands mutual TLS (--client-cert). */
  clientCertificate?: PemPair;
  /** Aborted to stop the scan early (e.g. on SIGINT); probes still running then are reported as errors. */
  stop?: AbortSignal;
  /** Admits every request; scans of many targets share one to bound the load on each host. */
  requestGate?: RequestGate;
}

/** Runs `send` when the host of `url` may take another request. */
export type RequestGate = <T>(url: URL, send: () => Promise<T>) => Promise<T>;

export const DEFAULT_SCAN_OPTIONS: ScanOptions = {
  mappings: [],
  insecure: false,
  timeoutMs: 10_000,
  maxTimeMs: 60_000,
  headers: [],
  healthPaths: [],
  origins: [],
  probePath: DEFAULT_PROBE_PATH,
  concurrency: 16,
};
