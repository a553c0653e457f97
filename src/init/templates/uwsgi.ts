/** uWSGI: an ini file; behind nginx on a uwsgi-protocol socket (uwsgi_pass), else on an http-socket. */
import type { ProxiedRequest } from "../model.js";
import { speaksUwsgiProtocol, upstreamAddress } from "../model.js";
import { banner, comment } from "./comments.js";

export function uwsgiIni(request: ProxiedRequest): string {
  const address = upstreamAddress(request.upstream);
  const listen = speaksUwsgiProtocol(request)
    ? [
        "# nginx's uwsgi_pass sends the CGI variables itself: HTTPS (on over TLS) makes wsgi.url_scheme",
        "# https, and nginx overwrites HTTP_X_FORWARDED_PROTO. Whoever reaches this socket chooses them all,",
        "# so it listens on loopback only.",
        `socket = ${address}`,
      ]
    : [
        `# uWSGI takes the scheme from X-Forwarded-Proto whoever sends it; the ${request.proxy} proxy overwrites it,`,
        "# and this socket listens on loopback, where only the proxy can connect.",
        `http-socket = ${address}`,
        "# http-socket closes each connection after one answer without saying so; this header keeps the proxy",
        "# from sending its next request (a POST it will not retry: a 502) on a connection being closed.",
        "add-header = Connection: close",
      ];
  const lines = [
    ...comment("#", [
      ...banner(request, "the uWSGI options"),
      "Run: uwsgi --ini uwsgi.ini (or put it in /etc/uwsgi/apps-enabled/).",
    ]),
    "",
    "[uwsgi]",
    "# Debian's uwsgi-core loads Python as a plugin; pip's uWSGI has it built in (drop this line there).",
    "plugin = python3",
    `chdir = ${request.app.dir}`,
    `module = ${request.app.package}.wsgi:application`,
    "need-app = true",
    "master = true",
    "processes = 2",
    "threads = 4",
    "die-on-term = true",
    "vacuum = true",
    ...listen,
    "",
  ];
  return lines.join("\n");
}
