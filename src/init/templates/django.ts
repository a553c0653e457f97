/** The Django settings block that trusts exactly what the generated proxy sends. */
import { APP_SERVER_TITLES, redirectExemptPattern, type InitRequest } from "../model.js";
import { banner, comment } from "./comments.js";

const python = (value: string): string => JSON.stringify(value);
const list = (values: string[]): string => `[${values.map(python).join(", ")}]`;

/** Where Django learns the scheme: the header the proxy overwrites, or (mod_wsgi) the connection itself. */
function schemeSource(request: InitRequest): string[] {
  if (request.appServer === "mod_wsgi")
    return [
      "# Django runs inside Apache (mod_wsgi): wsgi.url_scheme is https on the TLS virtual host itself,",
      "# so no header is believed. Never set SECURE_PROXY_SSL_HEADER here: any client could send it.",
    ];
  return [
    `# ${request.proxy} overwrites X-Forwarded-Proto on every request, so Django may believe it. Keep`,
    `# ${APP_SERVER_TITLES[request.appServer]} reachable by the proxy alone (bind to loopback or a socket), or anyone can send it.`,
    'SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")',
  ];
}

export function djangoSettings(request: InitRequest): string {
  const lines = [
    ...comment("#", [
      ...banner(request, "the Django settings block"),
      "Append it to the production settings module (after any `from .base import *`).",
    ]),
    "",
    "# The proxy rejects every other name; Django checks again.",
    `ALLOWED_HOSTS = ${list(request.domains)}`,
    "# Browsers send the https origin; the scheme is part of it.",
    `CSRF_TRUSTED_ORIGINS = ${list(request.domains.map((d) => `https://${d}`))}`,
    "",
    ...schemeSource(request),
    "# Host comes from the proxy as the client sent it; nothing else names the host or port.",
    "USE_X_FORWARDED_HOST = False",
    "USE_X_FORWARDED_PORT = False",
    "",
    "# The proxy redirects plain HTTP already; Django does too, except the health check.",
    "SECURE_SSL_REDIRECT = True",
    `SECURE_REDIRECT_EXEMPT = [r${python(redirectExemptPattern(request.healthPath))}]`,
    "SECURE_HSTS_SECONDS = 31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS = True",
    "# Eligible for the browsers' preload list; submit at hstspreload.org once every subdomain serves HTTPS.",
    "SECURE_HSTS_PRELOAD = True",
    "",
    "SESSION_COOKIE_SECURE = True",
    "CSRF_COOKIE_SECURE = True",
    "",
  ];
  return lines.join("\n");
}
