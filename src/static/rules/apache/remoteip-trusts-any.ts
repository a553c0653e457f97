/**
 * mod_remoteip replaces the client address (REMOTE_ADDR under mod_wsgi, the X-Forwarded-For entry
 * mod_proxy adds) with the one in RemoteIPHeader, but only for peers it trusts. With neither
 * RemoteIPTrustedProxy nor RemoteIPInternalProxy it trusts every peer: checked on loopback with Apache
 * 2.4, a direct client's `X-Forwarded-For: 198.51.100.7` became %a.
 */
import { is } from "../../apache/model.js";
import { appHosts, at, describeHost } from "../../apache/queries.js";
import type { RuleFinding, StaticRule } from "../../rule.js";

const TRUST_LISTS = ["RemoteIPTrustedProxy", "RemoteIPInternalProxy"];
const FILE_LISTS = ["RemoteIPTrustedProxyList", "RemoteIPInternalProxyList"];
/** Ranges that cover every IPv4 or IPv6 address. */
const EVERYONE = /^(0\.0\.0\.0\/0|0\/0|::\/0|0\.0\.0\.0\/0\.0\.0\.0)$/;

export const apacheRemoteIpTrustsAny: StaticRule = {
  meta: {
    id: "apache-remoteip-trusts-any",
    clause: "client-ip",
    severity: "high",
    title: "mod_remoteip takes the client address from any peer's header",
    explanation:
      "RemoteIPHeader makes Apache replace the connection's address with the one in a request header (X-Forwarded-For, X-Real-IP, CF-Connecting-IP). It must believe that header only from the proxies in front of it: without RemoteIPTrustedProxy / RemoteIPInternalProxy, or with a list covering every address, any client writes the address Apache logs, access rules check, mod_wsgi passes as REMOTE_ADDR and mod_proxy forwards in X-Forwarded-For.",
    fix: {
      apache:
        "RemoteIPHeader X-Forwarded-For\n# Only the load balancer's addresses\nRemoteIPTrustedProxy 203.0.113.10",
      mod_wsgi: "REMOTE_ADDR is what mod_remoteip decides: fix the trusted list, not the app",
      django: "Read the client address from REMOTE_ADDR only once Apache's trusted list is right.",
    },
  },
  check(input): RuleFinding[] {
    if (!input.apache) return [];
    return appHosts(input.apache).flatMap(({ host }): RuleFinding[] => {
      const header = host.directives.findLast((d) => is(d, "RemoteIPHeader"));
      if (!header) return [];
      if (host.directives.some((d) => FILE_LISTS.some((name) => is(d, name)))) return [];
      const lists = host.directives.filter((d) => TRUST_LISTS.some((name) => is(d, name)));
      const everyone = lists.find((d) => d.args.some((a) => EVERYONE.test(a)));
      if (lists.length > 0 && !everyone) return [];
      return [
        {
          status: "fail",
          message: everyone
            ? `${describeHost(host)}: ${everyone.name} ${everyone.args.join(" ")} covers every address, so any client's ${header.args[0]} becomes its address.`
            : `${describeHost(host)}: RemoteIPHeader ${header.args[0]} with no RemoteIPTrustedProxy or RemoteIPInternalProxy trusts every peer, so any client's ${header.args[0]} becomes its address.`,
          location: at(everyone ?? header),
        },
      ];
    });
  },
};
