/** An HTTPS request must reach the app saying so: through the header the app reads, set by the proxy. */
import type { RuleFinding } from "../../rule.js";
import { schemeReaders } from "../../contract/app-side.js";
import { allRoutes, contractRule, finding } from "./shared.js";
import { appServerUnknown, routesLosingScheme } from "../../contract/scheme.js";

export const schemeNotConveyed = contractRule(
  {
    id: "contract-scheme-not-conveyed",
    clause: "scheme",
    severity: "high",
    title: "HTTPS requests reach the app looking like plain HTTP",
    explanation:
      "The proxy terminates TLS and talks plain HTTP to the app. Unless it sets the header the app reads the scheme from (SECURE_PROXY_SSL_HEADER, or the app server's own: gunicorn's secure_scheme_headers, uvicorn's --forwarded-allow-ips, daphne's --proxy-headers, waitress' trusted_proxy) to the value meaning https, Django sees every request as http: SECURE_SSL_REDIRECT loops, HSTS is never sent, absolute URLs say http:// and the CSRF Origin check fails.",
    fix: {
      django: "SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https')",
      nginx: "proxy_set_header X-Forwarded-Proto $scheme;",
      caddy:
        "Remove `header_up -X-Forwarded-Proto` (or a header_up that sets another value): reverse_proxy sets it.",
      haproxy: "http-request set-header X-Forwarded-Proto https if { ssl_fc }",
      gunicorn: "or, with SECURE_PROXY_SSL_HEADER unset: forwarded_allow_ips = '<the proxy's address>'",
      uvicorn:
        "or, with SECURE_PROXY_SSL_HEADER unset: --forwarded-allow-ips=<the proxy's address> (on --uds only '*' matches, and only the proxy may reach the socket)",
      daphne: "or, with SECURE_PROXY_SSL_HEADER unset: --proxy-headers, bound to a unix socket or 127.0.0.1",
      waitress: "or, with SECURE_PROXY_SSL_HEADER unset: trusted_proxy = '<the proxy's address>'",
      apache: "RequestHeader set X-Forwarded-Proto expr=%{REQUEST_SCHEME}",
    },
  },
  (input) => {
    const routes = allRoutes(input);
    if (!routes.some((route) => route.traffic.includes("tls"))) return [];
    return schemeReaders(input.settings, input.gunicorn, input.appServers).flatMap(
      (reader): RuleFinding[] => {
        if (reader.kind === "unknown") {
          return [
            finding(
              "error",
              `${reader.who} cannot be read statically, so whether HTTPS requests look like https to Django cannot be told.`,
              reader.at,
            ),
          ];
        }
        return routesLosingScheme(reader, routes).map(({ route, why }) =>
          appServerUnknown(reader)
            ? finding(
                "warn",
                `${reader.who}; whether HTTPS requests through ${route.label} look like https to Django cannot be told: ${why}${reader.suffix}.`,
                reader.at,
              )
            : finding(
                "fail",
                `${reader.who}; HTTPS requests through ${route.label} carry no https marker (${why}): Django sees them as plain HTTP${reader.suffix}.`,
                reader.kind === "headers" ? route.at : reader.at,
              ),
        );
      },
    );
  },
);
