/**
 * The trust contract between a reverse proxy and Django: one catalogue that every
 * command, report and doc reads. Clause ids are public API (JSON, SARIF, exit codes,
 * suppressions); never rename one.
 */

export const CLAUSE_IDS = [
  "scheme",
  "spoofed-proto",
  "https-redirect",
  "hsts",
  "cookie-flags",
  "host-header",
  "forwarded-host",
  "csrf-origin",
  "health-exempt",
  "origin-exposure",
  "client-ip",
  "hygiene",
] as const;

export type ClauseId = (typeof CLAUSE_IDS)[number];

export const PROXY_KINDS = ["nginx", "caddy", "haproxy", "apache", "traefik", "alb", "cloudflare"] as const;
export type ProxyKind = (typeof PROXY_KINDS)[number];

/** The servers Django runs under, each with its own rules about trusting forwarding headers. */
export const APP_SERVER_KINDS = ["gunicorn", "uvicorn", "daphne", "uwsgi", "waitress", "mod_wsgi"] as const;
export type AppServerKind = (typeof APP_SERVER_KINDS)[number];

/** Where a fix is written: one of the proxies, the app side (Django or its app server), or the deployment descriptor. */
export type FixTarget = ProxyKind | "django" | AppServerKind | "compose" | "kubernetes" | "ingress-nginx";

export interface Clause {
  id: ClauseId;
  title: string;
  /** The promise, in one sentence. */
  contract: string;
  /** Why breaking it hurts, in terms a Django developer meets in production. */
  why: string;
  fix: Partial<Record<FixTarget, string>>;
}

const clauseList: Clause[] = [
  {
    id: "scheme",
    title: "HTTPS is seen as https",
    contract: "Requests that reach the proxy over HTTPS are seen by Django as https, plain HTTP as http.",
    why: "When Django believes an HTTPS request is plain HTTP, SECURE_SSL_REDIRECT loops forever, HSTS is never sent, build_absolute_uri() writes http:// links and the CSRF Origin check fails for real users.",
    fix: {
      django:
        "Set SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https') and make sure the proxy overwrites X-Forwarded-Proto on every request.",
      nginx: "proxy_set_header X-Forwarded-Proto $scheme;  # in every location that proxies to Django",
      caddy:
        "reverse_proxy sets X-Forwarded-Proto itself; do not override it with header_up, and keep trusted_proxies unset unless a CDN is in front.",
      haproxy:
        "http-request set-header X-Forwarded-Proto https if { ssl_fc }\nhttp-request set-header X-Forwarded-Proto http if !{ ssl_fc }",
      apache:
        '# In the :443 VirtualHost ("http" in the :80 one)\nRequestHeader set X-Forwarded-Proto "https"',
      traefik:
        "Traefik sets X-Forwarded-Proto; keep entryPoints.<name>.forwardedHeaders.trustedIPs limited to the tier in front.",
      alb: "ALB sets X-Forwarded-Proto; point SECURE_PROXY_SSL_HEADER at HTTP_X_FORWARDED_PROTO and let no other path reach the app.",
      cloudflare:
        "Use Full (strict) TLS mode, not Flexible: in Flexible mode Cloudflare talks plain HTTP to your origin and every request looks like http.",
      gunicorn:
        "gunicorn rewrites wsgi.url_scheme from X-Forwarded-Proto for peers in forwarded_allow_ips (127.0.0.1 by default); set forwarded_allow_ips to the proxy's address only.",
      uvicorn:
        "uvicorn sets the scheme from X-Forwarded-Proto for peers in --forwarded-allow-ips (default $FORWARDED_ALLOW_IPS, else 127.0.0.1); behind --uds only '*' matches the proxy.",
      daphne:
        "daphne needs --proxy-headers, and reads X-Forwarded-Proto only when X-Forwarded-For is present: the proxy must set both.",
      uwsgi:
        "Behind uwsgi_pass, include uwsgi_params (it sends HTTPS $https) and set uwsgi_param HTTP_X_FORWARDED_PROTO $scheme; proxy_set_header does nothing there.",
      waitress: "waitress believes X-Forwarded-Proto only from trusted_proxy: set it to the proxy's address.",
    },
  },
  {
    id: "spoofed-proto",
    title: "Client scheme headers are ignored",
    contract: "Scheme headers sent by the client never change what the app believes about the scheme.",
    why: "If a client's X-Forwarded-Proto (or one of its cousins) reaches Django, a plain-HTTP request can claim to be HTTPS: secure cookies and HSTS go out over HTTP, the HTTPS redirect is skipped, and is_secure() lies to your code.",
    fix: {
      django:
        "SECURE_PROXY_SSL_HEADER must name exactly the header the proxy overwrites; never a header the proxy only passes through.",
      nginx:
        'proxy_set_header X-Forwarded-Proto $scheme;  # overwrite, never $http_x_forwarded_proto\n# and drop cousins the app might read:\nproxy_set_header X-Forwarded-Ssl "";\nproxy_set_header X-Forwarded-Protocol "";\nproxy_set_header X-Forwarded-Scheme "";\nproxy_set_header X-Scheme "";\nproxy_set_header Forwarded "";',
      caddy:
        "Remove trusted_proxies (or narrow it to your CDN's ranges): with it, Caddy keeps the client's X-Forwarded-Proto. Strip cousins with header_up -X-Forwarded-Ssl and header_up -Forwarded.",
      haproxy:
        "Use http-request set-header (which replaces), not add-header (which appends after the client's copy):\nhttp-request set-header X-Forwarded-Proto https if { ssl_fc }\nhttp-request del-header X-Forwarded-Ssl",
      apache: 'RequestHeader set X-Forwarded-Proto "https"\nRequestHeader unset X-Forwarded-Ssl',
      traefik:
        "Do not set forwardedHeaders.insecure; list only the tier in front in forwardedHeaders.trustedIPs.",
      alb: "ALB overwrites X-Forwarded-Proto; make sure nothing else can reach the targets (security group allows only the ALB).",
      cloudflare: "Read CF-Visitor only if the origin accepts connections from Cloudflare's ranges alone.",
      gunicorn:
        "gunicorn joins duplicate headers (also X_Forwarded_Proto spelled with underscores) with a comma and Django reads the leftmost value: the proxy must remove the client's copies, not append.",
      uvicorn: "--forwarded-allow-ips=<the proxy's address>, never '*' where others can connect.",
      daphne: "--proxy-headers believes every peer: let only the proxy reach daphne (a unix socket).",
      uwsgi:
        "uWSGI takes X-Forwarded-Proto from whoever sends it: uwsgi_param HTTP_X_FORWARDED_PROTO $scheme; under uwsgi_pass.",
      waitress:
        "clear_untrusted_proxy_headers = True, so headers waitress does not trust never reach Django.",
    },
  },
  {
    id: "https-redirect",
    title: "Plain HTTP redirects once to HTTPS",
    contract:
      "A plain-HTTP request gets exactly one redirect to the same host, path and query on https, and no loop.",
    why: "Without the redirect users stay on HTTP; a loop (usually SECURE_SSL_REDIRECT with a scheme header Django does not trust) takes the whole site down with ERR_TOO_MANY_REDIRECTS.",
    fix: {
      nginx: "server { listen 80; server_name app.example.com; return 301 https://$host$request_uri; }",
      caddy:
        "Caddy redirects HTTP to HTTPS by itself for site addresses without http://; remove http:// site blocks that proxy to the app.",
      haproxy: "http-request redirect scheme https code 301 unless { ssl_fc }",
      apache: "<VirtualHost *:80>\n  Redirect permanent / https://app.example.com/\n</VirtualHost>",
      traefik:
        "entryPoints.web.http.redirections.entryPoint: { to: websecure, scheme: https, permanent: true }",
      alb: "Add an HTTP:80 listener whose default action redirects to HTTPS:443 with status HTTP_301.",
      cloudflare: "Turn on Always Use HTTPS, and use Full (strict) TLS to the origin.",
      django:
        "With SECURE_SSL_REDIRECT = True Django redirects only if it knows the scheme: set SECURE_PROXY_SSL_HEADER to the header your proxy overwrites, or the redirect loops.",
    },
  },
  {
    id: "hsts",
    title: "HSTS is sent on HTTPS",
    contract:
      "Strict-Transport-Security is sent on every HTTPS response, first hop included, with max-age of at least a year and includeSubDomains (under six months, 15768000 s, fails; under a year or without includeSubDomains warns).",
    why: "Without HSTS the first plain-HTTP request of every visit can be intercepted and downgraded (SSL stripping).",
    fix: {
      django:
        "SECURE_HSTS_SECONDS = 31536000\nSECURE_HSTS_INCLUDE_SUBDOMAINS = True  # Django sends it only on requests it believes are HTTPS",
      nginx:
        'add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;  # repeat it in every block that has its own add_header',
      caddy: 'header Strict-Transport-Security "max-age=31536000; includeSubDomains"',
      haproxy:
        'http-response set-header Strict-Transport-Security "max-age=31536000; includeSubDomains" if { ssl_fc }',
      apache: 'Header always set Strict-Transport-Security "max-age=31536000; includeSubDomains"',
      traefik: "headers middleware: stsSeconds: 31536000, stsIncludeSubdomains: true",
      cloudflare:
        "SSL/TLS > Edge Certificates > HTTP Strict Transport Security (HSTS): max-age 12 months, include subdomains.",
    },
  },
  {
    id: "cookie-flags",
    title: "Session and CSRF cookies are Secure",
    contract:
      "Every session and CSRF cookie is Secure, the session cookie is HttpOnly, SameSite is set, and no sensitive cookie is set over plain HTTP.",
    why: "A session cookie without Secure is sent over plain HTTP, where anyone on the path can read it and take over the session.",
    fix: {
      django:
        "SESSION_COOKIE_SECURE = True\nCSRF_COOKIE_SECURE = True\nSESSION_COOKIE_HTTPONLY = True  # the default\nSESSION_COOKIE_SAMESITE = 'Lax'  # the default",
      nginx: "proxy_cookie_flags ~ secure samesite=lax;  # a safety net only; fix the settings first",
      haproxy: "Fix the Django settings; HAProxy cannot add cookie attributes without rewriting headers.",
    },
  },
  {
    id: "host-header",
    title: "Unknown hosts are rejected",
    contract:
      "A request with an unknown Host is rejected (400/421, closed connection, refused TLS) and never served by the app.",
    why: "If any Host reaches Django and ALLOWED_HOSTS accepts it, password-reset links and absolute URLs can point at an attacker's domain (host header poisoning), and caches can be poisoned.",
    fix: {
      django: "ALLOWED_HOSTS = ['app.example.com']  # never '*' in production",
      nginx:
        "server { listen 443 ssl default_server; ssl_reject_handshake on; }\nserver { listen 80 default_server; return 444; }\n# and proxy_set_header Host $host; in the app's server block",
      caddy:
        "Name each site address explicitly; Caddy answers unknown hosts on a site without matching address with an empty 200 or a TLS error, never the app.",
      haproxy: "http-request deny deny_status 421 unless { req.hdr(host),field(1,:) -i app.example.com }",
      apache:
        "Make the first (default) VirtualHost on each port return 421, and put the app in a VirtualHost with ServerName app.example.com.",
      traefik: "Route to the app only with rule: Host(`app.example.com`).",
      alb: "Add listener rules with a host-header condition and a default action that returns a fixed 421 response.",
    },
  },
  {
    id: "forwarded-host",
    title: "Client X-Forwarded-Host is ignored",
    contract:
      "A client-sent X-Forwarded-Host or Forwarded host= never becomes the app's idea of its own host.",
    why: "With USE_X_FORWARDED_HOST = True, a header the client controls decides request.get_host(): absolute URLs, password-reset links and redirects can be aimed at any domain ALLOWED_HOSTS allows.",
    fix: {
      django: "USE_X_FORWARDED_HOST = False  # unless the proxy overwrites X-Forwarded-Host on every request",
      nginx:
        "proxy_set_header Host $host;\nproxy_set_header X-Forwarded-Host $host;  # overwrite; never $http_x_forwarded_host",
      caddy: "Caddy sets X-Forwarded-Host itself; keep trusted_proxies unset or narrow.",
      haproxy: "http-request set-header X-Forwarded-Host %[req.hdr(host)]\nhttp-request del-header Forwarded",
      apache:
        "ProxyPreserveHost On\n# mod_proxy then sets it from the real Host\nRequestHeader unset X-Forwarded-Host",
      traefik:
        "Do not trust forwarded headers from clients: forwardedHeaders.trustedIPs lists only the tier in front.",
    },
  },
  {
    id: "csrf-origin",
    title: "CSRF Origin check works",
    contract:
      "With a real CSRF token pair, a POST from a foreign Origin is refused (403) while the same POST from the site's own origin is accepted.",
    why: "If the own-origin POST fails, real users see 'CSRF verification failed' in production only; if the foreign one passes, CSRF protection is off for that origin.",
    fix: {
      django:
        "CSRF_TRUSTED_ORIGINS = ['https://app.example.com']  # scheme included, no path, no wildcard on a public suffix; and SECURE_PROXY_SSL_HEADER so Django knows the request is https",
      nginx: "proxy_set_header Host $host;  # Django compares Origin with the Host it receives",
      caddy: "Keep the default Host passing (do not header_up Host {upstream_hostport}).",
      haproxy:
        "Leave Host as the client sent it; do not http-request set-header Host to the backend's address.",
      apache: "ProxyPreserveHost On",
    },
  },
  {
    id: "health-exempt",
    title: "Health checks answer over plain HTTP",
    contract: "Health-check paths answer over plain HTTP without a redirect.",
    why: "A load balancer that probes /healthz over HTTP and gets a 301 marks every instance unhealthy; exempting the path keeps HTTPS enforcement everywhere else.",
    fix: {
      django: "SECURE_REDIRECT_EXEMPT = [r'^healthz$']  # anchored: no leading slash in the pattern",
      nginx: "location = /healthz { proxy_pass http://app; }  # in the port-80 server, before the return 301",
      caddy: "http:// { handle /healthz { reverse_proxy app:8000 } redir https://{host}{uri} 301 }",
      haproxy: "http-request redirect scheme https code 301 unless { ssl_fc } || { path /healthz }",
      apache:
        "RewriteCond %{REQUEST_URI} !^/healthz$\nRewriteRule ^ https://%{HTTP_HOST}%{REQUEST_URI} [R=301,L]",
      traefik:
        "Add a router on the web entry point for Path(`/healthz`) with a higher priority than the redirect.",
      alb: "Point the target group health check at the app's port and path directly (it never goes through the HTTP listener).",
    },
  },
  {
    id: "origin-exposure",
    title: "The app server is not reachable around the proxy",
    contract:
      "The app server cannot be reached bypassing the proxy, or ignores forwarding headers from anything but the proxy.",
    why: "If the app server trusts forwarding headers and anyone can reach it, every proxy protection can be walked around.",
    fix: {
      gunicorn:
        "Bind to 127.0.0.1 or a unix socket (bind = 'unix:/run/app.sock'), and set forwarded_allow_ips to the proxy's address only.",
      uvicorn:
        "--uds /run/app/uvicorn.sock or --host 127.0.0.1, and --forwarded-allow-ips=<the proxy's address>.",
      daphne: "-u /run/app/daphne.sock (or -b 127.0.0.1): with --proxy-headers daphne trusts every peer.",
      uwsgi:
        "socket = /run/app/uwsgi.sock: whoever reaches a uwsgi socket sends HTTPS and REMOTE_ADDR itself.",
      waitress:
        "listen = 127.0.0.1:8080 (waitress listens on 0.0.0.0:8080 by default), trusted_proxy = the proxy's address.",
      django: "Trust forwarding headers only when the app server is reachable from the proxy alone.",
      alb: "Let the targets' security group accept traffic from the ALB's security group only.",
      cloudflare:
        "Allow only Cloudflare's IP ranges at the origin firewall, or use Authenticated Origin Pulls / a Cloudflare Tunnel.",
    },
  },
  {
    id: "client-ip",
    title: "Client X-Forwarded-For is not the client address",
    contract:
      "A client-sent X-Forwarded-For or X-Real-IP never becomes the client address the app logs or rate-limits by.",
    why: "If the app trusts the leftmost X-Forwarded-For, anyone can forge their IP: rate limits, audit logs and IP allow-lists stop meaning anything.",
    fix: {
      nginx:
        "proxy_set_header X-Forwarded-For $remote_addr;  # overwrite at the outermost proxy\nproxy_set_header X-Real-IP $remote_addr;",
      haproxy: "http-request del-header X-Forwarded-For\noption forwardfor",
      caddy: "Caddy overwrites X-Forwarded-For unless trusted_proxies matches the client; keep it narrow.",
      apache: "# mod_proxy then appends only the real peer\nRequestHeader unset X-Forwarded-For early",
      django:
        "Take the client address from the rightmost X-Forwarded-For entry added by your own proxy, never the leftmost.",
    },
  },
  {
    id: "hygiene",
    title: "Deployment hygiene",
    contract: "Settings that are not about the proxy but that a production deployment still needs.",
    why: "DEBUG in production, a weak SECRET_KEY and similar settings undo the rest of the contract.",
    fix: { django: "Run `python manage.py check --deploy` and fix what it reports." },
  },
];

export const CLAUSES: ReadonlyMap<ClauseId, Clause> = new Map(clauseList.map((c) => [c.id, c]));

export function clause(id: ClauseId): Clause {
  const found = CLAUSES.get(id);
  if (!found) throw new Error(`unknown clause ${id}`);
  return found;
}

export function isClauseId(value: string): value is ClauseId {
  return (CLAUSE_IDS as readonly string[]).includes(value);
}
