/**
 * trusted_proxies makes Caddy keep the client's X-Forwarded-For/-Proto/-Host when the peer is in the list
 * (Caddy >= 2.5; otherwise Caddy overwrites them). A list that covers the clients themselves hands them
 * control of the scheme and the client address Django sees. The rule shape both trusted_proxies rules share.
 */
import type { ClauseId } from "../../../clauses.js";
import type { RuleFinding, StaticRule } from "../../rule.js";
import type { CaddyConfig, CaddyDirective } from "../../caddy/model.js";
import { reverseProxies, subdirectives } from "../../caddy/queries.js";
import { classifyHost, isInternalName, trustBreadth } from "../../gunicorn/addresses.js";
import { caddyRule } from "./caddy-rule.js";

interface TrustList {
  directive: CaddyDirective;
  entries: string[];
  /** Hosts of the sites the list applies to: a site's own, or every site for the global option. */
  siteHosts: string[];
}

function trustLists(config: CaddyConfig): TrustList[] {
  const lists: TrustList[] = [];
  const allHosts = config.sites.flatMap((s) => s.addresses.map((a) => a.host));
  for (const servers of config.globalOptions.filter((d) => d.name === "servers")) {
    for (const directive of subdirectives(servers, "trusted_proxies")) {
      // Global form (Caddy >= 2.7): `trusted_proxies static <ranges...>`.
      lists.push({ directive, entries: directive.args.slice(1), siteHosts: allHosts });
    }
  }
  for (const site of config.sites) {
    const siteHosts = site.addresses.map((a) => a.host);
    for (const proxy of reverseProxies(site)) {
      for (const directive of subdirectives(proxy, "trusted_proxies")) {
        lists.push({ directive, entries: directive.args, siteHosts });
      }
    }
  }
  return lists;
}

/** Clients reach a site over a private network when it is addressed by a private IP or an internal name. */
function clientsArePrivate(hosts: string[]): boolean | undefined {
  if (hosts.some((h) => h === "")) return undefined;
  return hosts.some((h) => classifyHost(h) === "private" || isInternalName(h));
}

function findBroadTrust(config: CaddyConfig, consequence: string): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const { directive, entries, siteHosts } of trustLists(config)) {
    const location = { file: directive.file, line: directive.line };
    const everyone = entries.filter((e) => trustBreadth(e) === "everyone");
    const privateEntries = entries.filter((e) => trustBreadth(e) === "private-networks");
    if (everyone.length > 0) {
      findings.push({
        status: "fail",
        message: `trusted_proxies ${everyone.join(" ")} trusts every client: ${consequence}`,
        location,
      });
      continue;
    }
    if (privateEntries.length === 0) continue;
    const privateClients = clientsArePrivate(siteHosts);
    if (privateClients === false) continue;
    findings.push({
      status: privateClients ? "fail" : "warn",
      message: privateClients
        ? `trusted_proxies ${privateEntries.join(" ")} covers the private network this site's clients are on: ${consequence}`
        : `trusted_proxies ${privateEntries.join(" ")} on a catch-all site: if clients can reach Caddy from a private network, ${consequence}`,
      location,
    });
  }
  return findings;
}

export function trustedProxiesRule(
  id: string,
  clause: ClauseId,
  title: string,
  consequence: string,
): StaticRule {
  return caddyRule(
    { id, clause, title },
    "Caddy's reverse_proxy writes X-Forwarded-For, X-Forwarded-Proto and X-Forwarded-Host itself and drops what the client sent, unless the peer is listed in trusted_proxies: then the client's values are kept. A list as wide as 0.0.0.0/0, or private_ranges when clients sit on the same private network, lets clients set these headers.",
    "Remove trusted_proxies, or list only the CDN or load balancer ranges in front of Caddy.",
    (config) => findBroadTrust(config, consequence),
  );
}
