/** A TLS vhost serving the app with no Strict-Transport-Security of its own, and Django not sending one. */
import { responseHeaderValues, at, describeHost } from "../../apache/queries.js";
import type { RuleFinding, StaticRule } from "../../rule.js";
import { apacheRoutes } from "../../contract/apache-view.js";
import { describeMount } from "./shared.js";
import { djangoSendsHsts } from "../../contract/scheme.js";

export const apacheHstsMissing: StaticRule = {
  meta: {
    id: "apache-hsts-missing",
    clause: "hsts",
    severity: "low",
    title: "A TLS virtual host serving the app sends no Strict-Transport-Security",
    explanation:
      "Apache adds no HSTS header by itself. Unless Django sends it (SECURE_HSTS_SECONDS with SecurityMiddleware, on requests it knows are https: under mod_wsgi always, unless SECURE_PROXY_SSL_HEADER reads a header Apache sets to another value; behind mod_proxy only when SECURE_PROXY_SSL_HEADER reads the X-Forwarded-Proto Apache sets), browsers never learn to skip plain HTTP. `Header always set` also covers Apache's own error pages.",
    fix: {
      apache: 'Header always set Strict-Transport-Security "max-age=31536000; includeSubDomains"',
      django: "SECURE_HSTS_SECONDS = 31536000\nSECURE_HSTS_INCLUDE_SUBDOMAINS = True",
    },
    djangoCheck: "security.W004",
  },
  check(input): RuleFinding[] {
    if (!input.apache) return [];
    const djangoSends = djangoSendsHsts(input);
    return apacheRoutes(input.apache).flatMap(({ app, route }): RuleFinding[] => {
      if (!app.host.tls || responseHeaderValues(app.host, "Strict-Transport-Security").length > 0) return [];
      // Under mod_wsgi Django knows https from the connection; behind mod_proxy it needs the header.
      if (djangoSends(route)) return [];
      return [
        {
          status: "warn",
          message: `${describeHost(app.host)} ends TLS and ${describeMount(app)} but adds no Strict-Transport-Security (fine only if Django sends it).`,
          location: at(app.mount.at),
        },
      ];
    });
  },
};
