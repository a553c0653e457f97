/**
 * Retrieval for the links between proxy and app: what a PROXY protocol listener and the site's
 * ordinary listeners do with PROXY headers from this scanner. Nothing here decides pass or fail.
 */
import { isIPv4 } from "node:net";
import { connectAddress } from "../transport/mapping.js";
import { relayedTcpHeader, writeProxyHeader, describeProxyHeader } from "../transport/proxy-protocol.js";
import { throwawayClientCertificate, type PemPair } from "../transport/throwaway-certificate.js";
import type { Leg, MtlsEvidence, ProxyProtocolEvidence, ProxyProtocolProbe } from "./evidence.js";
import type { ProxyProtocolListener, ScanOptions } from "./options.js";
import { PROBE_TOKEN_HEADER } from "./probe-answer.js";
import { pathOn, type ProbeClient, type ProbeSpec } from "./probe-client.js";
import { FORGED_CLIENT_IP } from "./spoof-headers.js";

const FORGED_SOURCE_PORT = 40_123;
const VERSIONS = [1, 2] as const;

/** The PROXY header a load balancer would send for a client at FORGED_CLIENT_IP connecting to `url`. */
function forgedHeader(version: 1 | 2, url: URL, options: ScanOptions): Buffer {
  const port = Number(url.port) || (url.protocol === "https:" ? 443 : 80);
  const connected = connectAddress(url.hostname, port, options.mappings);
  // The destination is informational for receivers; a documentation address stands in for a name.
  const destination = isIPv4(connected.host) ? connected.host : "192.0.2.1";
  return writeProxyHeader(
    relayedTcpHeader(
      version,
      { address: FORGED_CLIENT_IP, port: FORGED_SOURCE_PORT },
      { address: destination, port: connected.port },
    ),
  );
}

export async function collectProxyProtocol(
  client: ProbeClient,
  siteUrls: Record<Leg, URL>,
  listener: ProxyProtocolListener,
  options: ScanOptions,
): Promise<ProxyProtocolEvidence> {
  const listenerUrl = new URL(siteUrls[listener.scheme].href);
  listenerUrl.port = String(listener.port);
  const token = options.probeToken;
  const ask = (url: URL): Pick<ProbeSpec, "url" | "headers"> =>
    token !== undefined
      ? { url: pathOn(url, options.probePath), headers: [[PROBE_TOKEN_HEADER, token]] }
      : { url };
  // The Host stays the site's, as a load balancer passing the connection through would leave it.
  const host = siteUrls.https.hostname;

  const withHeader = (kind: ProxyProtocolProbe["kind"], version: 1 | 2, url: URL) => {
    const preface = forgedHeader(version, url, options);
    return client
      .probe({ label: `${url.origin} after ${describeProxyHeader(preface)}`, host, preface, ...ask(url) })
      .then((captured): ProxyProtocolProbe => ({ kind, version, listener: url.origin, captured }));
  };
  const probes = await Promise.all([
    client
      .probe({
        label: `${listenerUrl.origin} without a PROXY header`,
        url: listenerUrl,
        host,
        freshConnection: true,
      })
      .then((captured): ProxyProtocolProbe => ({
        kind: "no-header",
        listener: listenerUrl.origin,
        captured,
      })),
    ...VERSIONS.map((version) => withHeader("forged-header", version, listenerUrl)),
    ...(["https", "http"] as const).flatMap((leg) =>
      VERSIONS.map((version) => withHeader("header-on-ordinary-listener", version, siteUrls[leg])),
    ),
  ]);
  return {
    listener: listenerUrl.origin,
    injected: FORGED_CLIENT_IP,
    probes,
    probeAsked: token !== undefined,
  };
}

/** The app's origin over TLS, as a stranger without a certificate, as the proxy, and with another CA's certificate. */
export async function collectMtls(
  client: ProbeClient,
  origin: URL,
  site: { host: string; path: string },
  proxyCertificate: PemPair,
): Promise<MtlsEvidence> {
  const url = pathOn(origin, site.path);
  const as = (label: string, clientCertificate?: PemPair) =>
    client.probe({ label: `origin ${label}`, url, host: site.host, transport: { clientCertificate } });
  const [withoutCertificate, withProxyCertificate, withForeignCertificate] = await Promise.all([
    as("without a client certificate"),
    as("with the proxy's client certificate", proxyCertificate),
    as("with a self-signed client certificate", throwawayClientCertificate("proxytrust foreign client")),
  ]);
  return { origin: origin.origin, withoutCertificate, withProxyCertificate, withForeignCertificate };
}
