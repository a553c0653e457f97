/**
 * `RequestHeader set X-Forwarded-Proto "https"` on a vhost plain HTTP reaches without a redirect (or
 * server-wide, inherited by it): Django takes every plain request for HTTPS, the Apache twin of
 * nginx-xfp-from-client's literal https.
 */
import { appHosts, redirectsToHttps, at, describeHost } from "../../apache/queries.js";
import type { RuleFinding, StaticRule } from "../../rule.js";
import { describeMount, httpsClaim } from "./shared.js";

export const apacheXForwardedProtoHttpsOnPlain: StaticRule = {
  meta: {
    id: "apache-x-forwarded-proto-https-on-plain",
    clause: "spoofed-proto",
    severity: "high",
    title: "Apache tells the app a plain-HTTP request came over HTTPS",
    explanation:
      "A `RequestHeader set X-Forwarded-Proto https` (or X-Forwarded-Ssl on, Forwarded proto=https) in a plain-HTTP virtual host, or server-wide where every vhost inherits it, marks every request as HTTPS. When plain HTTP reaches the app without a redirect, Django with SECURE_PROXY_SSL_HEADER believes it: SECURE_SSL_REDIRECT never fires, and pages and secure cookies are served over plain HTTP.",
    fix: {
      apache:
        "# In each vhost with ProxyPass, not server-wide (mod_headers)\nRequestHeader set X-Forwarded-Proto expr=%{REQUEST_SCHEME}",
      django: "SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https') once Apache sets it per vhost",
    },
  },
  check(input): RuleFinding[] {
    if (!input.apache) return [];
    return appHosts(input.apache).flatMap((app): RuleFinding[] => {
      if (app.host.tls || redirectsToHttps(app.host)) return [];
      const claim = httpsClaim(app);
      if (!claim) return [];
      return [
        {
          status: "fail",
          message: `${describeHost(app.host)} serves plain HTTP, ${describeMount(app)} without redirecting, and sets ${claim.header} "${claim.value}": the app takes every plain request for HTTPS, so SECURE_SSL_REDIRECT never fires and pages and cookies are served over HTTP. Set it to expr=%{REQUEST_SCHEME}.`,
          location: at(claim.at),
        },
      ];
    });
  },
};
