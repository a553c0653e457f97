/**
 * What a scan captures about the links between the proxy and the app: the PROXY protocol
 * listener, mutual TLS at the origin, and whether the origin terminates TLS itself.
 */
import type { Captured } from "./evidence.js";

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
