/** Plain HTTP must be redirected by someone: the proxy, or Django with SECURE_SSL_REDIRECT. */
import { meantForPlainHttp } from "../unredirected-plain-http.js";
import { allRoutes, contractRule, finding } from "./shared.js";
import { candidates, isTruthy, judgedOn } from "../../python/settings-queries.js";

export const plainHttpUnredirected = contractRule(
  {
    id: "contract-plain-http-unredirected",
    clause: "https-redirect",
    severity: "high",
    title: "Plain HTTP reaches the app and nobody redirects it",
    explanation:
      "The proxy passes plain-HTTP requests to the app for every path, or for pages other than health checks and ACME challenges, and SECURE_SSL_REDIRECT is off, so neither side sends users to HTTPS: logins and session cookies travel in clear.",
    fix: {
      django: "SECURE_SSL_REDIRECT = True  # with SECURE_PROXY_SSL_HEADER, so it does not loop",
      nginx: "server { listen 80; server_name app.example.com; return 301 https://$host$request_uri; }",
      caddy:
        "Remove the http:// site that proxies (Caddy then redirects by itself), or end it with redir https://{host}{uri} 308.",
      haproxy: "http-request redirect scheme https code 301 unless { ssl_fc }",
      apache:
        "<VirtualHost *:80>\n    ServerName app.example.com\n    Redirect permanent / https://app.example.com/\n</VirtualHost>",
    },
  },
  (input) => {
    // Paths let through for health checks and ACME are meant to be plain; any other page is not.
    const pagesOf = (paths: "all" | string[]): "all" | string[] =>
      paths === "all" ? "all" : paths.filter((p) => !meantForPlainHttp(p));
    const plain = allRoutes(input).filter(
      (route) => route.traffic.includes("plain") && pagesOf(route.plainPaths).length > 0,
    );
    return candidates(input.settings, "SECURE_SSL_REDIRECT")
      .filter((c) => isTruthy(c) === false)
      .flatMap((c) =>
        plain.map((route) =>
          finding(
            "fail",
            `${route.label} passes plain HTTP to the app without redirecting, and ${c.label}: plain HTTP is served as it is${judgedOn(c)}.`,
            route.at,
          ),
        ),
      );
  },
);
