/** HAProxy: a whole haproxy.cfg. */
import { HSTS_VALUE, STRIPPED_HEADERS, UNDERSCORE_VARIANTS } from "../headers.js";
import type { ProxiedRequest } from "../model.js";
import { upstreamAddress } from "../model.js";
import { TIERS } from "../tiers.js";
import { banner, comment, tierNotes } from "./comments.js";

const INDENT = "    ";

function section(head: string, body: string[]): string[] {
  return [head, ...body.map((line) => (line ? `${INDENT}${line}` : ""))];
}

function bindAddress(request: ProxiedRequest, port: number): string {
  const { address } = request.listening;
  return address ? `${address}:${port}` : `:::${port} v4v6`;
}

function certificateBundle(request: ProxiedRequest): string {
  return request.listening.certificate?.cert ?? `/etc/haproxy/certs/${request.domains[0]}.pem`;
}

/** With a tier in front, its peers name the client; everyone else is the client. */
function clientAddress(request: ProxiedRequest): string[] {
  if (!request.behind) return [];
  const tier = TIERS[request.behind];
  const source =
    tier.clientAddressHeader === "X-Forwarded-For"
      ? "req.hdr_ip(X-Forwarded-For,-1)"
      : `req.hdr_ip(${tier.clientAddressHeader})`;
  return [
    ...comment("#", tierNotes(request)),
    `acl from_tier src ${tier.ranges.join(" ")}`,
    `http-request set-src ${source} if from_tier`,
  ];
}

export function haproxyConfig(request: ProxiedRequest): string {
  const hosts = request.domains.join(" ");
  const lines = [
    ...comment("#", banner(request, "haproxy.cfg")),
    ...comment("#", [
      `The certificate: ${certificateBundle(request)} holds the certificate chain and its key in one PEM file.`,
    ]),
    ...section("global", ["maxconn 4096", "ssl-default-bind-options ssl-min-ver TLSv1.2"]),
    "",
    ...section("defaults", ["mode http", "timeout connect 5s", "timeout client 30s", "timeout server 30s"]),
    "",
    ...section("frontend www", [
      `bind ${bindAddress(request, request.listening.httpPort)}`,
      "# strict-sni: no certificate, and so no handshake, for any other name.",
      `bind ${bindAddress(request, request.listening.httpsPort)} ssl crt ${certificateBundle(request)} strict-sni alpn h2,http/1.1`,
      "",
      ...clientAddress(request),
      "# Any other name: 421.",
      `http-request deny deny_status 421 unless { req.hdr(host),field(1,:) -i ${hosts} }`,
      "# The load balancer's health check stays on plain HTTP.",
      `http-request redirect scheme https code 301 unless { ssl_fc } || { path ${request.healthPath} }`,
      "",
      "# What Django and gunicorn read is set here from what HAProxy saw; client copies are removed.",
      ...[...STRIPPED_HEADERS, ...UNDERSCORE_VARIANTS].map((name) => `http-request del-header ${name}`),
      "http-request set-header X-Forwarded-Proto https if { ssl_fc }",
      "http-request set-header X-Forwarded-Proto http unless { ssl_fc }",
      "http-request set-header X-Forwarded-Host %[req.hdr(host)]",
      "http-request set-header X-Forwarded-For %[src]",
      "http-request set-header X-Real-IP %[src]",
      "",
      `http-response set-header Strict-Transport-Security "${HSTS_VALUE}" if { ssl_fc }`,
      "default_backend django",
    ]),
    "",
    ...section("backend django", [`server app ${upstreamAddress(request.upstream)}`]),
    "",
  ];
  return lines.join("\n");
}
