/**
 * Caddy redirects HTTP to HTTPS by itself, except for hosts that have their own http:// site block and
 * when `auto_https off` or `auto_https disable_redirects` is set.
 */
import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";
import { walkDirectives, type CaddyConfig, type CaddySite } from "../../caddy/model.js";
import { reverseProxies } from "../../caddy/queries.js";

/** Port 80 or http:// written out: a catch-all on another port is taken to sit behind a TLS terminator. */
function servesPlainHttp(site: CaddySite): boolean {
  return site.addresses.some((a) => a.scheme === "http" && (a.explicitScheme || a.port === "80"));
}

function redirectsToHttps(site: CaddySite): boolean {
  return [...walkDirectives(site.directives)].some(
    (d) => d.name === "redir" && d.args.some((arg) => arg.toLowerCase().startsWith("https://")),
  );
}

const meta = {
  clause: "https-redirect" as const,
  severity: "high" as const,
  fix: {
    caddy:
      "Let Caddy redirect: drop the http:// site block (or auto_https off), or end it with `redir https://{host}{uri} 308` and keep only health checks proxied there.",
  },
};

export const caddyHttpSiteProxies: StaticRule = {
  meta: {
    ...meta,
    id: "caddy-http-site-proxies",
    title: "An http:// site proxies to the app without redirecting",
    explanation:
      "A site block with an http:// (or :80) address takes that host's plain-HTTP traffic away from Caddy's automatic redirect. If it proxies to Django and never redirects, users stay on HTTP.",
  },
  check(input: AuditInput): RuleFinding[] {
    if (!input.caddy) return [];
    return input.caddy.sites
      .filter((site) => servesPlainHttp(site) && reverseProxies(site).length > 0 && !redirectsToHttps(site))
      .map((site) => ({
        status: "fail",
        message: `site ${site.addresses.map((a) => a.raw).join(", ")} serves plain HTTP and proxies to the app without a redir to https`,
        location: { file: site.file, line: site.line },
      }));
  },
};

/** Hosts whose plain-HTTP traffic a site block explicitly redirects ("" for a catch-all). */
function manuallyRedirectedHosts(config: CaddyConfig): Set<string> {
  const hosts = new Set<string>();
  for (const site of config.sites) {
    if (!servesPlainHttp(site) || !redirectsToHttps(site)) continue;
    for (const address of site.addresses) if (address.scheme === "http") hosts.add(address.host);
  }
  return hosts;
}

export const caddyAutoHttpsRedirectsOff: StaticRule = {
  meta: {
    ...meta,
    id: "caddy-auto-https-redirects-off",
    title: "auto_https turns off the HTTP-to-HTTPS redirect",
    explanation:
      "`auto_https off` and `auto_https disable_redirects` stop Caddy from redirecting plain HTTP. Without a manual http:// site that redirects, plain-HTTP requests get no redirect.",
  },
  check(input: AuditInput): RuleFinding[] {
    const config = input.caddy;
    if (!config) return [];
    const setting = config.globalOptions.find(
      (d) => d.name === "auto_https" && (d.args[0] === "off" || d.args[0] === "disable_redirects"),
    );
    if (!setting) return [];
    const redirected = manuallyRedirectedHosts(config);
    const unredirected = config.sites
      .filter((site) => reverseProxies(site).length > 0)
      .flatMap((site) => site.addresses.filter((a) => a.scheme === "https"))
      .filter((a) => !redirected.has(a.host) && !redirected.has(""))
      .map((a) => a.raw);
    if (unredirected.length === 0) return [];
    return [
      {
        status: "fail",
        message: `auto_https ${setting.args[0]} and no http:// site redirects ${unredirected.join(", ")} to https`,
        location: { file: setting.file, line: setting.line },
      },
    ];
  },
};
