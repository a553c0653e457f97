import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";
import { reverseProxies } from "../../caddy/queries.js";
import { caddySiteRoutes } from "../../contract/caddy-view.js";
import { plainTakenForHttps, unredirectedVerdict } from "../unredirected-plain-http.js";
import { httpsRedirectMeta, redirectsToHttps, servesPlainHttp } from "./plain-http.js";

export const caddyHttpSiteProxies: StaticRule = {
  meta: {
    ...httpsRedirectMeta,
    id: "caddy-http-site-proxies",
    title: "An http:// site proxies to the app without redirecting",
    explanation:
      "A site block with an http:// (or :80) address takes that host's plain-HTTP traffic away from Caddy's automatic redirect. If it proxies to Django and never redirects, users stay on HTTP unless Django redirects (SECURE_SSL_REDIRECT): a failure when the settings show it does not, a warning otherwise.",
  },
  check(input: AuditInput): RuleFinding[] {
    const { caddy, settings } = input;
    if (!caddy) return [];
    return caddy.sites
      .filter((site) => servesPlainHttp(site) && reverseProxies(site).length > 0 && !redirectsToHttps(site))
      .map((site) => ({
        ...unredirectedVerdict(
          `site ${site.addresses.map((a) => a.raw).join(", ")} serves plain HTTP and proxies to the app without a redir to https`,
          settings,
          // A literal https in the header Django reads hides plain HTTP from SECURE_SSL_REDIRECT.
          settings && plainTakenForHttps({ ...input, settings }, caddySiteRoutes(caddy, site)),
        ),
        location: { file: site.file, line: site.line },
      }));
  },
};
