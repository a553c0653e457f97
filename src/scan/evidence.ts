/**
 * What a scan captured, before any judgement. Collecting fills it; every clause check is a
 * pure function over it (retrieval and analysis are separate, as in the HTTP Observatory).
 */
import type { HeaderList, Replay } from "../report/model.js";
import type { WireResponse } from "../transport/send.js";

export type Leg = "http" | "https";

export interface Captured {
  label: string;
  request: { method: string; url: string; headers: HeaderList; body?: string; requestTarget?: string };
  response?: WireResponse;
  error?: string;
  /** The error is silence (timeout or deadline), not a refusal: it proves nothing either way. */
  noAnswer?: true;
  /** The same request as a curl command line; written on demand, as few exchanges reach a report. */
  replay?: () => Replay;
}

/** A request carrying a client-sent scheme claim, with the baseline it is compared to. */
export interface SchemeSpoof {
  leg: Leg;
  /** The header line as sent, e.g. "X-Forwarded-Proto: https"; for claims sent together, joined by " + ". */
  header: string;
  /** The header lines of claims sent in one request, when more than one was (together they changed nothing). */
  sentTogether?: string[];
  claimed: Leg;
  get: Captured;
  /** Token-carrying POST without Referer: Django checks the Referer only on requests it believes are HTTPS. */
  post?: Captured;
  probe?: Captured;
}

export interface LegBaseline {
  get?: Captured;
  postNoReferer?: Captured;
  /** The probe middleware's answer, when --probe-token was given. */
  probe?: Captured;
}

export type HostProbeKind =
  "foreign-host" | "foreign-host-http" | "absolute-form" | "foreign-sni" | "odd-port";

export interface HostProbe {
  kind: HostProbeKind;
  /** The host value the probe injected. */
  injected: string;
  captured: Captured;
}

export interface ForwardedHostProbe {
  header: string;
  injected: string;
  get: Captured;
  /**
   * Token-carrying POST whose Origin is the forged host: Django accepts an Origin equal to
   * scheme://get_host(), so it passes only when the host came from the header.
   */
  post?: Captured;
  probe?: Captured;
}

/** A forged client address, and what Django reported about it through the probe middleware. */
export interface ClientIpProbe {
  header: string;
  injected: string;
  probe: Captured;
}

export interface CsrfPair {
  pagePath: string;
  postPath: string;
  cookieHeader: string;
  formToken: string;
}

export type CsrfOriginKind =
  "own-origin" | "foreign-origin" | "null-origin" | "http-origin" | "sibling-origin" | "foreign-referer";

/** A POST target found without any CSRF token, and the foreign-Origin POST sent to it. */
export interface TokenlessPost {
  /** The path the user named with --csrf-post, else where a form posts and why it is tokenless. */
  source: string;
  captured: Captured;
}

export interface CsrfOriginProbe {
  kind: CsrfOriginKind;
  origin?: string;
  referer?: string;
  captured: Captured;
}

export interface HealthProbe {
  path: string;
  /** Named by the user (a requirement) or found at a default path (a hint). */
  named: boolean;
  https?: Captured;
  http?: Captured;
}

export interface OriginEvidence {
  url: string;
  /** One of the app server's usual ports tried on --origin-candidates, not an address the user named. */
  candidate: boolean;
  baseline: Captured;
  baselinePost?: Captured;
  /** As in SchemeSpoof: `header` joins the lines of claims sent together, listed in `sentTogether`. */
  spoofs: { header: string; sentTogether?: string[]; get: Captured; post?: Captured }[];
}

export interface RedirectChain {
  hops: Captured[];
  outcome: "final" | "loop" | "off-host" | "invalid-location" | "too-many" | "error";
  /** For off-host and invalid-location: the Location, never followed. */
  unfollowedLocation?: string;
}

export interface ScanEvidence {
  siteHost: string;
  httpsUrl: string;
  httpUrl: string;
  path: string;
  baselines: Record<Leg, LegBaseline>;
  /** From plain HTTP, hop by hop, with a query marker to check it survives. */
  httpChain: RedirectChain;
  httpChainStart: string;
  /** From the HTTPS baseline, to find self-redirect loops. */
  httpsChain: RedirectChain;
  schemeSpoofs: SchemeSpoof[];
  hostProbes: HostProbe[];
  forwardedHost: ForwardedHostProbe[];
  csrf: {
    pair?: CsrfPair;
    searched: Captured[];
    reason?: string;
    origins: CsrfOriginProbe[];
    /** Without a token pair: a tokenless POST from a foreign Origin to a named endpoint or a form without a token. */
    tokenless?: TokenlessPost;
  };
  /** Every response whose cookies are judged, with the leg it came over. */
  cookieSources: { leg: Leg; captured: Captured }[];
  /** The page named with --cookie-path, when one was. */
  cookiePath?: string;
  health: HealthProbe[];
  /** Every --origin, then every --origin-candidates port; empty without either. */
  originServers: OriginEvidence[];
  /** Empty unless --probe-token was given. */
  clientIp: ClientIpProbe[];
  /** Whether the probe middleware was asked (--probe-token). */
  probeAsked: boolean;
  /** Only with --proxy-protocol-port. */
  proxyProtocol?: ProxyProtocolEvidence;
  /** Only with --client-cert and an https --origin. */
  mtls?: MtlsEvidence;
  requestCount: number;
}

// The links between the proxy and the app: the PROXY protocol listener, mutual TLS at the origin,
// and whether the origin terminates TLS itself.

export type ProxyProtocolProbeKind =
  /** A plain request to the listener that expects a PROXY header. */
  | "no-header"
  /** A PROXY header claiming a forged client address, from this scanner (not a trusted load balancer). */
  | "forged-header"
  /** A PROXY header sent to the site's ordinary listener, which must not expect one. */
  | "header-on-ordinary-listener";

export interface ProxyProtocolProbe {
  kind: ProxyProtocolProbeKind;
  /** The PROXY protocol version of the header sent; absent for no-header. */
  version?: 1 | 2;
  /** scheme://host:port the connection went to (before --connect-to mappings). */
  listener: string;
  /** The site's page, or the probe middleware's answer when --probe-token was given. */
  captured: Captured;
}

export interface ProxyProtocolEvidence {
  listener: string;
  /** The client address the forged headers claimed. */
  injected: string;
  probes: ProxyProtocolProbe[];
  /** Whether forged-header probes asked the probe middleware (--probe-token). */
  probeAsked: boolean;
}

/** The origin asked for mutual TLS with three clients: none, the proxy's, and one from another CA. */
export interface MtlsEvidence {
  origin: string;
  withoutCertificate: Captured;
  withProxyCertificate: Captured;
  withForeignCertificate: Captured;
}
