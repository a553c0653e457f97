/** Django sends HSTS only on requests it believes are HTTPS; if it never learns that, only the proxy can. */
import type { RuleFinding } from "../../rule.js";
import { schemeReaders } from "../../contract/app-side.js";
import type { AppRoute } from "../../contract/proxy-view.js";
import { allRoutes, contractRule, finding } from "./shared.js";
import { appServerUnknown, routesLosingScheme, schemeLost } from "../../contract/scheme.js";
import { candidates, hstsSeconds, isTruthy, judgedOn } from "../../python/settings-queries.js";

export const hstsNeverSent = contractRule(
  {
    id: "contract-hsts-never-sent",
    clause: "hsts",
    severity: "medium",
    title: "HSTS is never sent on HTTPS",
    explanation:
      "SecurityMiddleware adds Strict-Transport-Security only when SECURE_HSTS_SECONDS is set and request.is_secure(). Behind a proxy that does not tell Django about HTTPS, that is never; with SECURE_HSTS_SECONDS = 0, never either. When the proxy does not add the header itself, browsers never learn to avoid plain HTTP.",
    fix: {
      django: "SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https')",
      nginx: 'add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;',
      caddy: 'header Strict-Transport-Security "max-age=31536000; includeSubDomains"',
      haproxy:
        'http-response set-header Strict-Transport-Security "max-age=31536000; includeSubDomains" if { ssl_fc }',
      apache: 'Header always set Strict-Transport-Security "max-age=31536000; includeSubDomains"',
    },
  },
  (input) => {
    const all = allRoutes(input);
    const routes = all.filter((route) => !route.sendsHsts);
    const tlsRoutes = routes.filter((route) => route.traffic.includes("tls"));
    const off = hstsSeconds(input.settings)
      .filter((h) => h.seconds <= 0)
      .flatMap((h) =>
        tlsRoutes
          .filter((route) => !learntElsewhere(route, all, () => false))
          .map((route) =>
            finding(
              "fail",
              `${h.label}, and the proxy adds no Strict-Transport-Security on HTTPS through ${route.label}: HSTS is never sent${h.suffix}.`,
              route.at,
            ),
          ),
      );
    return off.concat(
      candidates(input.settings, "SECURE_HSTS_SECONDS")
        .filter((c) => isTruthy(c) === true)
        .flatMap((hsts) =>
          schemeReaders(input.settings, input.gunicorn, input.appServers).flatMap((reader): RuleFinding[] =>
            routesLosingScheme(reader, routes)
              .filter(({ route }) => !learntElsewhere(route, all, (other) => !schemeLost(reader, other)))
              .map(({ route, why }) =>
                appServerUnknown(reader)
                  ? finding(
                      "warn",
                      `${hsts.label}, but whether HTTPS requests through ${route.label} look like https to Django cannot be told (${why}) and the proxy adds no Strict-Transport-Security: if not, HSTS is never sent${route.pages ? ` on ${route.pages}` : ""}${judgedOn(hsts)}.`,
                      route.at,
                    )
                  : finding(
                      "fail",
                      `${hsts.label}, but HTTPS requests through ${route.label} look like plain HTTP to Django (${why}) and the proxy adds no Strict-Transport-Security: HSTS is never sent${route.pages ? ` on ${route.pages}` : ""}${judgedOn(hsts)}.`,
                      route.at,
                    ),
              ),
          ),
        ),
    );
  },
);

/**
 * A browser keeps HSTS per host: a route that serves part of a site (location /api/) without it is moot when
 * the same site's whole-site route sends it on HTTPS, by the proxy or by Django (`djangoSends`).
 */
function learntElsewhere(
  route: AppRoute,
  routes: AppRoute[],
  djangoSends: (other: AppRoute) => boolean,
): boolean {
  return (
    route.pages !== undefined &&
    routes.some(
      (other) =>
        other.site === route.site &&
        other.pages === undefined &&
        other.traffic.includes("tls") &&
        (other.sendsHsts || djangoSends(other)),
    )
  );
}
