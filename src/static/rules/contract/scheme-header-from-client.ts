/** The header that tells the app "https" must be the proxy's own on every route, never the client's. */
import type { RuleFinding } from "../../rule.js";
import { schemeReaders } from "../../contract/app-side.js";
import { allRoutes, clientCopies, contractRule, copyStatus, describeCopy, finding } from "./shared.js";

export const schemeHeaderFromClient = contractRule(
  {
    id: "contract-scheme-header-from-client",
    clause: "spoofed-proto",
    severity: "high",
    title: "The header the app takes the scheme from can come from the client",
    explanation:
      "Django (SECURE_PROXY_SSL_HEADER) or the app server (gunicorn's secure_scheme_headers for peers in forwarded_allow_ips, uvicorn's X-Forwarded-Proto for --forwarded-allow-ips, daphne's with --proxy-headers, waitress' for trusted_proxy) believes whatever scheme header reaches it. Unless the proxy overwrites or removes that header on every route to the app, port 80 and health paths included, a client sends X-Forwarded-Proto: https over plain HTTP and is_secure() lies: the HTTPS redirect is skipped and secure cookies travel in clear.",
    fix: {
      django: "SECURE_PROXY_SSL_HEADER must name the header the proxy overwrites on every route.",
      nginx:
        "proxy_set_header X-Forwarded-Proto $scheme;  # in every server and location that proxies to the app",
      caddy:
        "Drop trusted_proxies (or narrow it to the tier in front) and header_up lines that copy the client's value.",
      haproxy:
        "http-request set-header X-Forwarded-Proto https if { ssl_fc }\nhttp-request set-header X-Forwarded-Proto http unless { ssl_fc }\nhttp-request del-header X_Forwarded_Proto",
      apache:
        "# With mod_proxy; under mod_wsgi drop SECURE_PROXY_SSL_HEADER instead\nRequestHeader set X-Forwarded-Proto expr=%{REQUEST_SCHEME}",
    },
  },
  (input) => {
    const routes = allRoutes(input);
    return schemeReaders(input.settings, input.gunicorn, input.appServers).flatMap(
      (reader): RuleFinding[] => {
        if (reader.kind !== "headers") return [];
        return reader.headers.flatMap((header) =>
          clientCopies(routes, header.name, reader.django).map((copy) =>
            finding(
              copyStatus(copy),
              `${reader.who}: ${describeCopy(copy)}, so ${copy.fate.onlyWhen ? "those peers choose" : "a client chooses"} what the app believes about the scheme${reader.suffix}.`,
              copy.fate.at,
            ),
          ),
        );
      },
    );
  },
);
