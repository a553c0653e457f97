/**
 * mod_wsgi takes wsgi.url_scheme from Apache's own connection (https on a TLS vhost, in embedded and
 * daemon mode alike: checked on loopback). When this Apache has no TLS vhost at all, HTTPS ends in
 * front of it, and Django sees every request as plain HTTP unless something carries the scheme over.
 */
import { is, virtualHosts } from "../../apache/model.js";
import { appHosts, at, describeHost } from "../../apache/queries.js";
import type { RuleFinding, StaticRule } from "../../rule.js";
import { redirectingBranches } from "../../contract/app-side.js";
import { djangoReadsSchemeHeader } from "../../python/settings-queries.js";

export const apacheWsgiSchemeBehindProxy: StaticRule = {
  meta: {
    id: "apache-wsgi-scheme-behind-proxy",
    clause: "scheme",
    severity: "high",
    title: "mod_wsgi behind a TLS-terminating proxy sees every request as plain HTTP",
    explanation:
      "mod_wsgi sets wsgi.url_scheme from Apache's own connection. This configuration has no TLS virtual host, so HTTPS ends at a load balancer or proxy in front, and Apache's connection is plain HTTP: Django believes every request is http (SECURE_SSL_REDIRECT then loops, HSTS is never sent, the CSRF Origin check fails) unless SECURE_PROXY_SSL_HEADER or WSGITrustedProxyHeaders carries the proxy's X-Forwarded-Proto over.",
    fix: {
      mod_wsgi:
        "WSGITrustedProxyHeaders X-Forwarded-Proto\n# The proxy in front\nWSGITrustedProxies 10.0.0.5",
      django:
        "SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https')  # only if the proxy in front overwrites it and nothing else reaches Apache",
    },
  },
  check(input): RuleFinding[] {
    if (!input.apache || virtualHosts(input.apache).some((host) => host.tls)) return [];
    return appHosts(input.apache).flatMap(({ host, mount }): RuleFinding[] => {
      if (mount.kind !== "wsgi") return [];
      if (host.directives.some((d) => is(d, "WSGITrustedProxyHeaders"))) return [];
      if (djangoReadsSchemeHeader(input)) return [];
      const loops = input.settings ? redirectingBranches(input.settings)[0] : undefined;
      return [
        {
          status: loops ? "fail" : "warn",
          message: loops
            ? `${describeHost(host)} runs the app under mod_wsgi with no TLS vhost in this configuration, so wsgi.url_scheme is http on every request, and ${loops.label}: HTTPS requests redirect to themselves.`
            : `${describeHost(host)} runs the app under mod_wsgi with no TLS vhost in this configuration: if HTTPS ends in front of Apache, Django sees every request as http (no SECURE_PROXY_SSL_HEADER, no WSGITrustedProxyHeaders).`,
          location: at(mount.at),
        },
      ];
    });
  },
};
