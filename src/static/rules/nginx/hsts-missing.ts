import type { StaticRule } from "../../rule.js";
import type { NginxConfig } from "../../nginx/model.js";
import type { AppRoute } from "../../nginx/routes.js";
import type { AppRoute as ViewedRoute } from "../../contract/proxy-view.js";
import { inheritedList, levelsOf, named } from "../../nginx/scope.js";
import { viewedRoute } from "../../contract/nginx-view.js";
import { djangoSendsHsts } from "../../contract/scheme.js";
import { appRoutesByServer, finding, HSTS_HEADER, hstsFromMoreSetHeaders } from "./shared.js";
import { appServerEndpoints } from "../../appserver/endpoints.js";
import { describeRoute, describeServer } from "../../nginx/app-routes.js";

function routeSendsHsts(route: AppRoute): boolean {
  // The add_header lines in effect first: they answer for most routes, without walking the levels.
  return (
    inheritedList(route.scope, "add_header").some(
      (header) => header.args[0]?.toLowerCase() === HSTS_HEADER,
    ) ||
    levelsOf(route.scope).some((level) =>
      named(level, "more_set_headers").some((d) => hstsFromMoreSetHeaders(d) !== undefined),
    )
  );
}

/** An HSTS add_header or more_set_headers at some level around the route, in effect or not (hsts-dropped reports the latter). */
function hstsAround(route: AppRoute): boolean {
  return levelsOf(route.scope).some(
    (level) =>
      named(level, "add_header").some((header) => header.args[0]?.toLowerCase() === HSTS_HEADER) ||
      named(level, "more_set_headers").some((d) => hstsFromMoreSetHeaders(d) !== undefined),
  );
}

/** Whether Django sends HSTS on the contract's view of an nginx route; none does on a route no request reaches. */
function sentByDjangoOn(
  config: NginxConfig,
  appEndpoints: string,
  djangoSends: (route: ViewedRoute) => boolean,
): (route: AppRoute) => boolean {
  return (route) => {
    const viewed = viewedRoute(config, appEndpoints, route);
    return viewed !== undefined && djangoSends(viewed);
  };
}

export const hstsMissing: StaticRule = {
  meta: {
    id: "nginx-hsts-missing",
    clause: "hsts",
    severity: "medium",
    title: "A TLS server proxying to the app sends no HSTS header",
    explanation:
      "Without Strict-Transport-Security, a browser will try plain HTTP first on every new visit, and that first request can be intercepted and kept on HTTP (SSL stripping). nginx sends no HSTS of its own here (add_header works per location: one location adding it leaves the others without); Django sends it only with SECURE_HSTS_SECONDS set and only when it knows the request is HTTPS. Audited with the settings, a route on which Django surely sends it (SECURE_HSTS_SECONDS > 0, and X-Forwarded-Proto set from $scheme where SECURE_PROXY_SSL_HEADER reads it) is not reported.",
    fix: {
      nginx: 'add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;',
      django: "SECURE_HSTS_SECONDS = 31536000\nSECURE_HSTS_INCLUDE_SUBDOMAINS = True",
    },
    djangoCheck: "security.W004",
  },
  check(input) {
    const { nginx, settings } = input;
    if (!nginx) return [];
    // With the settings, a route on which Django surely sends HSTS itself needs none from nginx. Where it
    // surely does not, contract-hsts-never-sent says why; this rule still points at nginx's missing header.
    const sentByDjango = settings
      ? sentByDjangoOn(nginx, appServerEndpoints(input), djangoSendsHsts({ ...input, settings }))
      : () => false;
    return [...appRoutesByServer(input)].flatMap(([server, routes]) => {
      if (!server.tls) return [];
      // nginx's own lines first: Django is asked about the routes they leave bare only.
      if (!routes.some(routeSendsHsts) && !routes.some(sentByDjango))
        return [
          finding(
            "warn",
            `The ${describeServer(server)} terminates TLS and proxies to the app but never adds Strict-Transport-Security; unless Django sends it (SECURE_HSTS_SECONDS), browsers get no HSTS.`,
            server.directive,
          ),
        ];
      // Some routes send it: each other one with none around it sends none (add_header is per location).
      return routes
        .filter((route) => !hstsAround(route) && !sentByDjango(route))
        .map((route) =>
          finding(
            "warn",
            `TLS responses from ${describeRoute(route)} carry no Strict-Transport-Security, though other locations of the server send it; unless Django sends it (SECURE_HSTS_SECONDS), browsers visiting those pages get no HSTS.`,
            route,
          ),
        );
    });
  },
};
