import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";
import type { CaddyConfig } from "../../caddy/model.js";
import { reverseProxies } from "../../caddy/queries.js";
import { unredirectedVerdict } from "../unredirected-plain-http.js";
import { httpsRedirectMeta, redirectsToHttps, servesPlainHttp } from "./plain-http.js";

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
    ...httpsRedirectMeta,
    id: "caddy-auto-https-redirects-off",
    title: "auto_https turns off the HTTP-to-HTTPS redirect",
    explanation:
      "`auto_https off` and `auto_https disable_redirects` stop Caddy from redirecting plain HTTP. Without a manual http:// site that redirects, plain-HTTP requests get no redirect from Caddy: a failure when the settings show Django does not redirect either, a warning otherwise.",
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
        ...unredirectedVerdict(
          `auto_https ${setting.args[0]} and no http:// site redirects ${unredirected.join(", ")} to https`,
          input.settings,
        ),
        location: { file: setting.file, line: setting.line },
      },
    ];
  },
};
