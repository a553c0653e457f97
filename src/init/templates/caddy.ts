/** Caddy: a whole Caddyfile. */
import { HSTS_VALUE, STRIPPED_HEADERS, UNDERSCORE_VARIANTS } from "../headers.js";
import type { ProxiedRequest } from "../model.js";
import { upstreamAddress } from "../model.js";
import { TIERS } from "../tiers.js";
import { banner, comment, tierNotes } from "./comments.js";

const TAB = "\t";

function indent(lines: string[]): string[] {
  return lines.map((line) => (line ? `${TAB}${line}` : ""));
}

function block(head: string, body: string[]): string[] {
  return [head ? `${head} {` : "{", ...indent(body), "}"];
}

function globalOptions(request: ProxiedRequest): string[] {
  const { httpPort, httpsPort } = request.listening;
  const servers = [
    "# 421 when the Host header names another site than the TLS handshake did.",
    "strict_sni_host on",
  ];
  return block("", [
    "# Redirects are written below, so that the health check stays on plain HTTP.",
    "auto_https disable_redirects",
    ...(httpPort !== 80 ? [`http_port ${httpPort}`] : []),
    ...(httpsPort !== 443 ? [`https_port ${httpsPort}`] : []),
    ...block("servers", servers),
  ]);
}

/**
 * The reverse_proxy form, which Caddy 2.5 to 2.6 (Debian bookworm's) reads; from 2.7 the global
 * `servers { trusted_proxies static ... }` replaces it.
 */
function trustedProxies(request: ProxiedRequest): string[] {
  if (!request.behind) return [];
  return [
    ...comment("#", tierNotes(request)),
    "# Caddy keeps X-Forwarded-For from these peers only, and replaces it for everyone else.",
    `trusted_proxies ${TIERS[request.behind].ranges.join(" ")}`,
    "# Scheme and host stay Caddy's own, whoever the peer is: the tier forwards HTTPS as HTTPS.",
    "header_up X-Forwarded-Proto {scheme}",
    "header_up X-Forwarded-Host {host}",
  ];
}

function siteAddresses(request: ProxiedRequest, scheme: "https" | "http"): string {
  const port = scheme === "https" ? request.listening.httpsPort : request.listening.httpPort;
  const suffix = port === (scheme === "https" ? 443 : 80) ? "" : `:${port}`;
  return request.domains.map((domain) => `${scheme}://${domain}${suffix}`).join(", ");
}

function bind(request: ProxiedRequest): string[] {
  return request.listening.address ? [`bind ${request.listening.address}`] : [];
}

export function caddyfile(request: ProxiedRequest): string {
  const certificate = request.listening.certificate;
  const lines = [
    ...comment("#", banner(request, "the Caddyfile")),
    ...globalOptions(request),
    "",
    ...block("(django)", [
      ...block(`reverse_proxy ${upstreamAddress(request.upstream)}`, [
        ...trustedProxies(request),
        "# Caddy sets X-Forwarded-For, -Proto and -Host itself; these other claims must not reach Django.",
        "header_up X-Real-IP {remote_host}",
        ...STRIPPED_HEADERS.map((name) => `header_up -${name}`),
        '# gunicorn reads "_" as "-": these would join the real headers.',
        ...UNDERSCORE_VARIANTS.map((name) => `header_up -${name}`),
        "# HSTS is sent by Caddy; drop the app's copy so there is exactly one.",
        "header_down -Strict-Transport-Security",
      ]),
    ]),
    "",
    ...block(siteAddresses(request, "https"), [
      ...bind(request),
      ...(certificate ? [`tls ${certificate.cert} ${certificate.key}`] : []),
      `header Strict-Transport-Security "${HSTS_VALUE}"`,
      "import django",
    ]),
    "",
    ...block(siteAddresses(request, "http"), [
      ...bind(request),
      "# The load balancer's health check stays on plain HTTP.",
      ...block(`handle ${request.healthPath}`, ["import django"]),
      ...block("handle", ["redir https://{host}{uri} permanent"]),
    ]),
    "",
    "# Any other name over plain HTTP.",
    ...block(`http://${request.listening.httpPort === 80 ? "" : `:${request.listening.httpPort}`}`, [
      ...bind(request),
      "respond 421",
    ]),
    "",
  ];
  return lines.join("\n");
}
