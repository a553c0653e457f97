/** nginx: a site file for the http {} context (sites-enabled/ or conf.d/). */
import { HSTS_VALUE, STRIPPED_HEADERS } from "../headers.js";
import type { InitRequest } from "../model.js";
import { upstreamAddress } from "../model.js";
import { TIERS } from "../tiers.js";
import { banner, comment, tierNotes } from "./comments.js";

function listen(request: InitRequest, port: number, extra: string): string[] {
  const suffix = extra ? ` ${extra}` : "";
  const { address } = request.listening;
  return address
    ? [`listen ${address}:${port}${suffix};`]
    : [`listen ${port}${suffix};`, `listen [::]:${port}${suffix};`];
}

function certificate(request: InitRequest): string[] {
  const cert = request.listening.certificate ?? {
    cert: `/etc/letsencrypt/live/${request.domains[0]}/fullchain.pem`,
    key: `/etc/letsencrypt/live/${request.domains[0]}/privkey.pem`,
  };
  return [`ssl_certificate ${cert.cert};`, `ssl_certificate_key ${cert.key};`];
}

/** What every request to Django carries: overwritten from what nginx saw, never from the client. */
function proxyHeaders(): string[] {
  return [
    "proxy_set_header Host $host;",
    "proxy_set_header X-Forwarded-Proto $scheme;",
    "proxy_set_header X-Forwarded-Host $host;",
    "proxy_set_header X-Forwarded-For $remote_addr;",
    "proxy_set_header X-Real-IP $remote_addr;",
    "# Other scheme and address claims: an empty value removes the client's copy.",
    ...STRIPPED_HEADERS.map((name) => `proxy_set_header ${name} "";`),
    "# HSTS is sent by nginx; drop the app's copy so there is exactly one.",
    "proxy_hide_header Strict-Transport-Security;",
  ];
}

function realIp(request: InitRequest): string[] {
  if (!request.behind) return [];
  const tier = TIERS[request.behind];
  return [
    ...comment("#", tierNotes(request)),
    ...tier.ranges.map((range) => `set_real_ip_from ${range};`),
    `real_ip_header ${tier.clientAddressHeader};`,
    "real_ip_recursive on;",
    "",
  ];
}

function block(head: string, body: string[]): string[] {
  return [`${head} {`, ...body.map((line) => (line ? `    ${line}` : "")), "}"];
}

export function nginxSite(request: InitRequest): string {
  const names = request.domains.join(" ");
  const { httpPort, httpsPort } = request.listening;
  const health = request.healthPath;
  const lines = [
    ...comment("#", banner(request, "the nginx site (include it in the http {} block)")),
    "# Client headers with underscores stay dropped: keep underscores_in_headers off (the default).",
    "",
    ...block("upstream django_app", [`server ${upstreamAddress(request.upstream)};`]),
    "",
    ...realIp(request),
    "# Any other name: no certificate, no answer (444 closes the connection).",
    ...block("server", [
      ...listen(request, httpPort, "default_server"),
      ...listen(request, httpsPort, "ssl default_server"),
      "ssl_reject_handshake on;",
      "return 444;",
    ]),
    "",
    ...block("server", [
      ...listen(request, httpPort, ""),
      `server_name ${names};`,
      ...proxyHeaders(),
      "",
      "# The load balancer's health check stays on plain HTTP.",
      ...block(`location = ${health}`, ["proxy_pass http://django_app;"]),
      "",
      ...block("location /", ["return 301 https://$host$request_uri;"]),
    ]),
    "",
    ...block("server", [
      ...listen(request, httpsPort, "ssl http2"),
      `server_name ${names};`,
      ...certificate(request),
      "ssl_protocols TLSv1.2 TLSv1.3;",
      `add_header Strict-Transport-Security "${HSTS_VALUE}" always;`,
      ...proxyHeaders(),
      "",
      ...block("location /", ["proxy_pass http://django_app;"]),
    ]),
    "",
  ];
  return lines.join("\n");
}
