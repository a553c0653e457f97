/**
 * mod_wsgi's WSGITrustedProxyHeaders makes it rewrite wsgi.url_scheme (and REMOTE_ADDR, HTTP_HOST)
 * from the named headers; it believes them from every peer unless WSGITrustedProxies lists the
 * proxies. Checked on loopback with mod_wsgi 4.9.4: with `WSGITrustedProxyHeaders X-Forwarded-Proto`
 * alone, a direct client's plain-HTTP request claiming https was https to Django.
 */
import { is } from "../../apache/model.js";
import { appHosts, at, describeHost } from "../../apache/queries.js";
import type { RuleFinding, StaticRule } from "../../rule.js";

export const apacheWsgiTrustedProxyHeadersOpen: StaticRule = {
  meta: {
    id: "apache-wsgi-trusted-proxy-headers-open",
    clause: "spoofed-proto",
    severity: "high",
    title:
      "mod_wsgi believes forwarding headers from any client (WSGITrustedProxyHeaders without WSGITrustedProxies)",
    explanation:
      "WSGITrustedProxyHeaders tells mod_wsgi to take the scheme, client address or host Django sees from headers such as X-Forwarded-Proto and X-Forwarded-For. Without WSGITrustedProxies it accepts them from whoever connects: a client on plain HTTP claims https, another address, or another host.",
    fix: {
      mod_wsgi:
        "# The load balancer's addresses, next to WSGITrustedProxyHeaders\nWSGITrustedProxies 10.0.0.5",
      apache:
        "Or end TLS in this Apache and drop WSGITrustedProxyHeaders: mod_wsgi then knows https from its own connection.",
    },
  },
  check(input): RuleFinding[] {
    if (!input.apache) return [];
    return appHosts(input.apache).flatMap(({ host, mount }): RuleFinding[] => {
      if (mount.kind !== "wsgi") return [];
      const headers = host.directives.findLast((d) => is(d, "WSGITrustedProxyHeaders"));
      if (!headers || host.directives.some((d) => is(d, "WSGITrustedProxies"))) return [];
      return [
        {
          status: "fail",
          message: `${describeHost(host)}: WSGITrustedProxyHeaders ${headers.args.join(" ")} without WSGITrustedProxies: mod_wsgi believes these headers from any client.`,
          location: at(headers),
        },
      ];
    });
  },
};
