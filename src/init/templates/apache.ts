/** Apache httpd: a site file (sites-available/000-DOMAIN.conf), loaded before any other site. */
import { HSTS_VALUE, OVERWRITTEN_HEADERS, STRIPPED_HEADERS, UNDERSCORE_VARIANTS } from "../headers.js";
import type { InitRequest } from "../model.js";
import { upstreamAddress } from "../model.js";
import { TIERS } from "../tiers.js";
import { banner, comment, tierNotes } from "./comments.js";

const INDENT = "    ";

function vhost(request: InitRequest, port: number, body: string[]): string[] {
  const address = request.listening.address ?? "*";
  return [
    `<VirtualHost ${address}:${port}>`,
    ...body.map((line) => (line ? `${INDENT}${line}` : "")),
    "</VirtualHost>",
  ];
}

function tls(request: InitRequest): string[] {
  const cert = request.listening.certificate ?? {
    cert: `/etc/letsencrypt/live/${request.domains[0]}/fullchain.pem`,
    key: `/etc/letsencrypt/live/${request.domains[0]}/privkey.pem`,
  };
  return ["SSLEngine on", `SSLCertificateFile ${cert.cert}`, `SSLCertificateKeyFile ${cert.key}`];
}

function names(request: InitRequest): string[] {
  const [canonical, ...aliases] = request.domains;
  return [`ServerName ${canonical}`, ...(aliases.length ? [`ServerAlias ${aliases.join(" ")}`] : [])];
}

const CLAIMS_REMOVED = [...STRIPPED_HEADERS, ...UNDERSCORE_VARIANTS].map(
  (name) => `RequestHeader unset ${name}`,
);

/** What Django and its app server read is set from what Apache saw; client copies are removed. */
function requestHeaders(scheme: "http" | "https"): string[] {
  return [
    "ProxyPreserveHost On",
    `RequestHeader set X-Forwarded-Proto "${scheme}"`,
    "# mod_proxy appends to the client's X-Forwarded-For and -Host: remove them first, it then adds the real ones.",
    "RequestHeader unset X-Forwarded-For",
    "RequestHeader unset X-Forwarded-Host",
    'RequestHeader set X-Real-IP "%{REMOTE_ADDR}s"',
    ...CLAIMS_REMOVED,
  ];
}

/**
 * Django inside Apache (mod_wsgi): wsgi.url_scheme is the connection's own, so no header is believed;
 * the client's forwarding claims are removed all the same, for any code that reads them.
 */
function wsgiHeaders(): string[] {
  return [...OVERWRITTEN_HEADERS.map((name) => `RequestHeader unset ${name}`), ...CLAIMS_REMOVED];
}

/** mod_wsgi's daemon: one process group for both virtual hosts, Django's package on its path. */
function wsgiDaemon(request: InitRequest): string[] {
  const { dir, package: pkg } = request.app;
  return [
    "# Django runs in mod_wsgi's daemon processes (as Apache's User), not inside Apache's own workers.",
    `WSGIDaemonProcess django python-path=${dir} processes=2 threads=15 display-name=%{GROUP}`,
    `<Directory ${dir}/${pkg}>`,
    `${INDENT}<Files wsgi.py>`,
    `${INDENT}${INDENT}Require all granted`,
    `${INDENT}</Files>`,
    "</Directory>",
    "",
  ];
}

function wsgiApp(request: InitRequest): string[] {
  return [
    "WSGIProcessGroup django",
    "WSGIApplicationGroup %{GLOBAL}",
    `WSGIScriptAlias / ${request.app.dir}/${request.app.package}/wsgi.py`,
  ];
}

/** How each vhost hands requests to Django: over HTTP to the app server, or to mod_wsgi's daemon. */
function handOff(request: InitRequest, scheme: "http" | "https", path: string): string[] {
  if (request.appServer === "mod_wsgi") return [...wsgiHeaders(), ...wsgiApp(request)];
  const upstream = `http://${upstreamAddress(request.upstream)}`;
  return [...requestHeaders(scheme), `ProxyPass "${path}" "${upstream}${path}"`];
}

function remoteIp(request: InitRequest): string[] {
  if (!request.behind) return [];
  const tier = TIERS[request.behind];
  return [
    ...comment("#", [...tierNotes(request), "Needs mod_remoteip (a2enmod remoteip)."]),
    `RemoteIPHeader ${tier.clientAddressHeader}`,
    ...tier.ranges.map((range) => `RemoteIPTrustedProxy ${range}`),
    "",
  ];
}

export function apacheSite(request: InitRequest): string {
  const wsgi = request.appServer === "mod_wsgi";
  const health = request.healthPath;
  const { httpPort, httpsPort } = request.listening;
  const lines = [
    ...comment("#", banner(request, "the Apache site")),
    ...comment("#", [
      wsgi
        ? "Needs: apt install libapache2-mod-wsgi-py3; a2enmod ssl headers rewrite wsgi; Listen 80 and 443 (Debian's ports.conf has both)."
        : "Needs: a2enmod ssl proxy proxy_http headers rewrite; Listen 80 and 443 (Debian's ports.conf has both).",
      "Load it first (000- prefix): the first virtual host of each port answers names no other one claims.",
    ]),
    "",
    ...remoteIp(request),
    ...(wsgi ? wsgiDaemon(request) : []),
    "# Any other name: 421.",
    ...vhost(request, httpPort, ["ServerName default.invalid", "Redirect 421 /"]),
    ...vhost(request, httpsPort, ["ServerName default.invalid", ...tls(request), "Redirect 421 /"]),
    "",
    ...vhost(request, httpPort, [
      ...names(request),
      "RewriteEngine on",
      "# The load balancer's health check stays on plain HTTP; SERVER_NAME is the matched name, never a port.",
      `RewriteRule "!^${health}$" "https://%{SERVER_NAME}%{REQUEST_URI}" [R=301,L]`,
      ...handOff(request, "http", health),
    ]),
    "",
    ...vhost(request, httpsPort, [
      ...names(request),
      ...tls(request),
      '# "set" on a proxied response replaces the app\'s own copy, so there is exactly one.',
      `Header set Strict-Transport-Security "${HSTS_VALUE}"`,
      ...handOff(request, "https", "/"),
    ]),
    "",
  ];
  return lines.join("\n");
}
