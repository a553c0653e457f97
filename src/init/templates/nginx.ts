/** nginx: a site file for the http {} context (sites-enabled/ or conf.d/). */
import { HSTS_VALUE, OVERWRITTEN_HEADERS, STRIPPED_HEADERS, type OverwrittenHeader } from "../headers.js";
import type { ProxiedRequest } from "../model.js";
import { speaksUwsgiProtocol, upstreamAddress } from "../model.js";
import { TIERS } from "../tiers.js";
import { banner, comment, tierNotes } from "./comments.js";

function listen(request: ProxiedRequest, port: number, extra: string): string[] {
  const suffix = extra ? ` ${extra}` : "";
  const { address } = request.listening;
  return address
    ? [`listen ${address}:${port}${suffix};`]
    : [`listen ${port}${suffix};`, `listen [::]:${port}${suffix};`];
}

function certificate(request: ProxiedRequest): string[] {
  const cert = request.listening.certificate ?? {
    cert: `/etc/letsencrypt/live/${request.domains[0]}/fullchain.pem`,
    key: `/etc/letsencrypt/live/${request.domains[0]}/privkey.pem`,
  };
  return [`ssl_certificate ${cert.cert};`, `ssl_certificate_key ${cert.key};`];
}

/** Each overwritten header's value: what nginx saw, never what the client sent. */
const NGINX_VALUES: Record<OverwrittenHeader, string> = {
  "X-Forwarded-Proto": "$scheme",
  "X-Forwarded-Host": "$host",
  "X-Forwarded-For": "$remote_addr",
  "X-Real-IP": "$remote_addr",
};

/**
 * What every request to Django carries, through `set` (proxy_set_header or uwsgi_param); `hide`
 * drops the app's HSTS header (proxy_hide_header or uwsgi_hide_header).
 */
function forwardingClaims(set: (header: string, value: string) => string, hide: string): string[] {
  return [
    ...OVERWRITTEN_HEADERS.map((header) => set(header, NGINX_VALUES[header])),
    "# Other scheme and address claims: an empty value removes the client's copy.",
    ...STRIPPED_HEADERS.map((header) => set(header, '""')),
    "# HSTS is sent by nginx; drop the app's copy so there is exactly one.",
    `${hide} Strict-Transport-Security;`,
  ];
}

function proxyHeaders(): string[] {
  return [
    "proxy_set_header Host $host;",
    ...forwardingClaims((header, value) => `proxy_set_header ${header} ${value};`, "proxy_hide_header"),
  ];
}

/** HTTP_X_FORWARDED_PROTO for X-Forwarded-Proto: the CGI name a header arrives under. */
function cgiName(header: string): string {
  return `HTTP_${header.toUpperCase().replace(/-/g, "_")}`;
}

/** The request's CGI variables, from what nginx saw (the set nginx's own uwsgi_params file sends). */
const CGI_VARIABLES: Record<string, string> = {
  QUERY_STRING: "$query_string",
  REQUEST_METHOD: "$request_method",
  CONTENT_TYPE: "$content_type",
  CONTENT_LENGTH: "$content_length",
  REQUEST_URI: "$request_uri",
  PATH_INFO: "$document_uri",
  DOCUMENT_ROOT: "$document_root",
  SERVER_PROTOCOL: "$server_protocol",
  REQUEST_SCHEME: "$scheme",
  HTTPS: "$https if_not_empty",
  REMOTE_ADDR: "$remote_addr",
  REMOTE_PORT: "$remote_port",
  SERVER_PORT: "$server_port",
  SERVER_NAME: "$server_name",
};

/**
 * The same under uwsgi_pass, where requests carry CGI variables, not headers: proxy_set_header does
 * nothing, and a uwsgi_param named HTTP_* replaces the client's header of that name.
 */
function uwsgiParams(): string[] {
  return [
    "# uwsgi_pass sends CGI variables, not headers: proxy_set_header would do nothing here. They are",
    "# listed here rather than included from uwsgi_params so that each one is visible; HTTPS is on over",
    "# TLS (empty, so not sent, on plain HTTP) and uWSGI turns it into wsgi.url_scheme https.",
    ...Object.entries(CGI_VARIABLES).map(([name, value]) => `uwsgi_param ${name} ${value};`),
    ...forwardingClaims((header, value) => `uwsgi_param ${cgiName(header)} ${value};`, "uwsgi_hide_header"),
  ];
}

function forwarding(request: ProxiedRequest): string[] {
  return speaksUwsgiProtocol(request) ? uwsgiParams() : proxyHeaders();
}

function pass(request: ProxiedRequest): string {
  return speaksUwsgiProtocol(request) ? "uwsgi_pass django_app;" : "proxy_pass http://django_app;";
}

function realIp(request: ProxiedRequest): string[] {
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

export function nginxSite(request: ProxiedRequest): string {
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
      ...forwarding(request),
      "",
      "# The load balancer's health check stays on plain HTTP.",
      ...block(`location = ${health}`, [pass(request)]),
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
      ...forwarding(request),
      "",
      ...block("location /", [pass(request)]),
    ]),
    "",
  ];
  return lines.join("\n");
}
