/** Django builds its HTTPS redirect from the Host it receives: a rewritten Host sends users to the backend. */
import { redirectingBranches } from "../../contract/app-side.js";
import { allRoutes, contractRule, finding } from "./shared.js";
import { candidates, isTruthy, judgedOn } from "../../python/settings-queries.js";

export const redirectToRewrittenHost = contractRule(
  {
    id: "contract-redirect-to-rewritten-host",
    clause: "https-redirect",
    severity: "high",
    title: "Django's HTTPS redirect points at the backend's address",
    explanation:
      "SECURE_SSL_REDIRECT redirects to https://<request.get_host()><path>. When the proxy passes plain HTTP to the app and replaces Host with the upstream's address, that redirect leads users to the backend's name or IP instead of the site.",
    fix: {
      nginx: "proxy_set_header Host $host;",
      caddy: "Remove `header_up Host {upstream_hostport}`.",
      haproxy: "Remove `http-request set-header Host ...`.",
      django: "or SECURE_SSL_HOST = 'app.example.com'",
      apache: "ProxyPreserveHost On",
    },
  },
  (input) => {
    const { settings } = input;
    const sslHostSet = candidates(settings, "SECURE_SSL_HOST").some((c) => isTruthy(c) === true);
    const trustsForwardedHost = candidates(settings, "USE_X_FORWARDED_HOST").some(
      (c) => isTruthy(c) === true,
    );
    if (sslHostSet) return [];
    const routes = allRoutes(input).filter(
      (route) =>
        route.traffic.includes("plain") &&
        route.hostRewrite !== undefined &&
        // With USE_X_FORWARDED_HOST, a proxy-written X-Forwarded-Host still carries the real name.
        !(trustsForwardedHost && route.header("X-Forwarded-Host", "plain").kind === "proxy"),
    );
    return redirectingBranches(settings).flatMap((redirect) =>
      routes.map((route) =>
        finding(
          "fail",
          `${route.label} passes plain HTTP with Host ${route.hostRewrite!.value}, and ${redirect.label}: Django redirects users to https://${route.hostRewrite!.host ?? route.hostRewrite!.value}/... instead of the site${judgedOn(redirect)}.`,
          route.hostRewrite!.at,
        ),
      ),
    );
  },
);
