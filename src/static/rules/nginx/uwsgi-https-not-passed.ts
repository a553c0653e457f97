/**
 * Behind uwsgi_pass, uWSGI sets wsgi.url_scheme from the HTTPS (or UWSGI_SCHEME) variable nginx sends;
 * Debian's and nginx's own uwsgi_params send `HTTPS $https if_not_empty`. Without it, and without
 * SECURE_PROXY_SSL_HEADER, Django sees every HTTPS request as http.
 */
import type { RuleFinding, StaticRule } from "../../rule.js";
import { candidates } from "../../python/settings-queries.js";
import { appRoutes, finding, unreadIncludeNote } from "./shared.js";
import { describeRoute, schemeVariable } from "../../nginx/app-routes.js";

export const uwsgiHttpsNotPassed: StaticRule = {
  meta: {
    id: "nginx-uwsgi-https-not-passed",
    clause: "scheme",
    severity: "high",
    title: "HTTPS requests reach uWSGI without the HTTPS variable",
    explanation:
      "Through uwsgi_pass nginx sends CGI variables, not headers, and uWSGI decides wsgi.url_scheme from the HTTPS (or UWSGI_SCHEME) variable alone; proxy_set_header lines do nothing there. A TLS server whose uwsgi location neither includes uwsgi_params (which sends `HTTPS $https if_not_empty`) nor sets uwsgi_param HTTPS leaves Django seeing http on every HTTPS request unless SECURE_PROXY_SSL_HEADER names a header nginx sets: SECURE_SSL_REDIRECT loops, secure cookies and HSTS misbehave.",
    fix: {
      nginx: "include uwsgi_params;  # or: uwsgi_param HTTPS $https if_not_empty;",
      uwsgi: "keep nginx's HTTPS variable: uWSGI takes the scheme from it",
      django:
        "or SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https') with uwsgi_param HTTP_X_FORWARDED_PROTO $scheme;",
    },
  },
  check(input): RuleFinding[] {
    if (!input.nginx) return [];
    // A SECURE_PROXY_SSL_HEADER on every branch moves the scheme to a header: the other contract rules judge that.
    const branches = input.settings ? candidates(input.settings, "SECURE_PROXY_SSL_HEADER") : [];
    const unset = branches.filter((c) => c.value.kind === "none");
    if (input.settings && unset.length === 0) return [];
    const djangoNote = input.settings
      ? ` and SECURE_PROXY_SSL_HEADER is not set (${input.settings.locate("SECURE_PROXY_SSL_HEADER").file})`
      : " (Django's settings were not given: SECURE_PROXY_SSL_HEADER could still carry the scheme)";
    return appRoutes(input).flatMap((route): RuleFinding[] => {
      if (route.pass.module !== "uwsgi") return [];
      if (!route.server.listens.some((listen) => listen.ssl)) return [];
      if (schemeVariable(route)) return [];
      return [
        finding(
          input.settings && !route.unreadInclude ? "fail" : "warn",
          `${describeRoute(route)} sends no HTTPS or UWSGI_SCHEME variable to uWSGI${unreadIncludeNote(route)}${djangoNote}: HTTPS requests reach Django as http.`,
          route,
        ),
      ];
    });
  },
};
