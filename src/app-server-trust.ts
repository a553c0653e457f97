/**
 * What each app server Django runs under believes about the scheme and the client address, and from
 * whom: read from the Debian bookworm packages (the Python servers' sources in
 * /usr/lib/python3/dist-packages; uWSGI and mod_wsgi are C, checked against their binaries' option
 * names and by experiment on loopback). `explain` and docs/clauses.md print it.
 */
import type { AppServerKind, ClauseId } from "./clauses.js";

export interface AppServerTrust {
  server: AppServerKind;
  /** The version these rules were read from, and its Debian package. */
  version: string;
  /** Whose forwarding headers it acts on, with the option that says so and its default. */
  trusts: string;
  /** Where the scheme Django gets (wsgi.url_scheme / the ASGI scope's scheme) comes from. */
  scheme: string;
  /** Where REMOTE_ADDR (the scope's client) comes from. */
  clientAddress: string;
  /** What happens to forwarding headers it does not act on. */
  untrusted: string;
  /** Where it was read. */
  source: string;
}

/** The clauses an app server's own trust decides, besides Django's settings and the proxy. */
export const APP_SERVER_CLAUSES: readonly ClauseId[] = [
  "scheme",
  "spoofed-proto",
  "client-ip",
  "origin-exposure",
];

export const APP_SERVER_TRUST: readonly AppServerTrust[] = [
  {
    server: "gunicorn",
    version: "gunicorn 20.1.0 (Debian package gunicorn)",
    trusts:
      "peers in forwarded_allow_ips (--forwarded-allow-ips; default $FORWARDED_ALLOW_IPS, else 127.0.0.1; '*' is every peer). A unix-socket peer has no address and is always trusted. As `-k uvicorn.workers.UvicornWorker`, uvicorn's rules below apply with gunicorn's forwarded_allow_ips.",
    scheme:
      "secure_scheme_headers, by default X-Forwarded-Protocol: ssl, X-Forwarded-Proto: https and X-Forwarded-Ssl: on: any one of them with its value makes wsgi.url_scheme https.",
    clientAddress:
      "the peer; X-Forwarded-For is left for Django as HTTP_X_FORWARDED_FOR (with --proxy-protocol, the PROXY header's address from peers in proxy_allow_ips).",
    untrusted:
      "passed on to Django unchanged; duplicates (and X_Forwarded_Proto with underscores) are joined with a comma.",
    source: "gunicorn/config.py, gunicorn/http/message.py, gunicorn/http/wsgi.py",
  },
  {
    server: "uvicorn",
    version: "uvicorn 0.17.6 (python3-uvicorn)",
    trusts:
      "--proxy-headers is on by default (--no-proxy-headers turns it off); it acts for peers in --forwarded-allow-ips, a comma list of exact addresses (default $FORWARDED_ALLOW_IPS, else 127.0.0.1; '*' is every peer). A --uds peer has no address: only '*' matches it.",
    scheme: "X-Forwarded-Proto, as sent.",
    clientAddress:
      "X-Forwarded-For: with '*' its first (client-written) entry, else the rightmost entry that is not in the list.",
    untrusted: "passed on to Django unchanged.",
    source: "uvicorn/config.py, uvicorn/main.py, uvicorn/middleware/proxy_headers.py",
  },
  {
    server: "daphne",
    version: "daphne 4.0.0 (python3-daphne)",
    trusts:
      "nobody by default; with --proxy-headers every peer: it checks no address, so only the proxy may be able to connect.",
    scheme:
      "X-Forwarded-Proto, read only when the address header (X-Forwarded-For) is present too: a proxy that sets only X-Forwarded-Proto leaves Django on http.",
    clientAddress:
      "the first X-Forwarded-For entry (--proxy-headers-host names another header), the port from X-Forwarded-Port (--proxy-headers-port).",
    untrusted: "passed on to Django unchanged.",
    source: "daphne/cli.py, daphne/utils.py, daphne/http_protocol.py",
  },
  {
    server: "uwsgi",
    version: "uWSGI 2.0.21 (uwsgi-core, uwsgi-plugin-python3)",
    trusts:
      "every peer. On a `socket` / `uwsgi-socket` (nginx uwsgi_pass) the peer sends every CGI variable itself (HTTPS, REMOTE_ADDR, HTTP_*), so whoever connects chooses them; `http-socket` parses HTTP itself.",
    scheme:
      "HTTP_X_FORWARDED_PROTO (a client's X-Forwarded-Proto that reaches it) ahead of the HTTPS variable (nginx: uwsgi_param HTTPS $https, in uwsgi_params), else http. Behind uwsgi_pass, proxy_set_header does nothing: overwrite with uwsgi_param HTTP_X_FORWARDED_PROTO $scheme.",
    clientAddress: "REMOTE_ADDR as the peer sends it (nginx: uwsgi_param REMOTE_ADDR $remote_addr).",
    untrusted: "passed on to Django unchanged (--log-x-forwarded-for only changes its log).",
    source:
      "experiment on loopback with Debian's uwsgi and nginx (test/e2e/app-servers.test.ts); option names from the binary",
  },
  {
    server: "waitress",
    version: "waitress 2.1.2 (python3-waitress)",
    trusts:
      "trusted_proxy (--trusted-proxy): one exact address, or '*'; nobody by default. trusted_proxy_count (default 1) is how many X-Forwarded-For entries from the right are proxies.",
    scheme:
      "the headers listed in trusted_proxy_headers (x-forwarded-proto, -for, -host, -port, -by, or forwarded alone); with trusted_proxy set and none listed, X-Forwarded-Proto (deprecated). Otherwise url_scheme (default http).",
    clientAddress:
      "X-Forwarded-For, when listed in trusted_proxy_headers: the entry trusted_proxy_count places from the right.",
    untrusted:
      "clear_untrusted_proxy_headers removes them from Django's view; its default in 2.1 is False (with a warning), so they reach Django unless it is set.",
    source: "waitress/adjustments.py, waitress/proxy_headers.py",
  },
  {
    server: "mod_wsgi",
    version: "mod_wsgi 4.9.4 (libapache2-mod-wsgi-py3)",
    trusts:
      "nobody by default: Django runs inside Apache and sees Apache's own connection. WSGITrustedProxyHeaders names the headers to honour, from the addresses in WSGITrustedProxies only.",
    scheme:
      "the connection: https on a virtual host with SSLEngine on. SECURE_PROXY_SSL_HEADER is not needed, and with it any client could send the header.",
    clientAddress: "the peer (Apache's REMOTE_ADDR, after mod_remoteip when it is configured).",
    untrusted:
      "passed on to Django unless RequestHeader unset removes them; with WSGITrustedProxyHeaders, the other headers of the same purpose are dropped.",
    source: "mod_wsgi.so's directive names, the module's documentation, and the init end-to-end stack",
  },
];

/** The fields after the version, each with its label, in the order `explain` and the docs show them. */
export function appServerTrustFields(trust: AppServerTrust): [label: string, text: string][] {
  return [
    ["believes", trust.trusts],
    ["scheme", trust.scheme],
    ["client address", trust.clientAddress],
    ["other forwarding headers", trust.untrusted],
    ["read from", trust.source],
  ];
}

/** Plain text, one block per server: for `explain`. */
export function appServerTrustLines(trust: AppServerTrust): string[] {
  return [trust.version, ...appServerTrustFields(trust).map(([label, text]) => `  ${label}: ${text}`)];
}
