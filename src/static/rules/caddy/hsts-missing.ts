/** Caddy sends no Strict-Transport-Security by itself; a `header` directive has to add it. */
import type { CaddySite } from "../../caddy/model.js";
import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";
import { reverseProxies } from "../../caddy/queries.js";
import { caddySiteRoutes } from "../../contract/caddy-view.js";
import { hstsFields } from "../../caddy/hsts-header.js";
import { djangoSendsHsts } from "../../contract/scheme.js";

export const caddyHstsMissing: StaticRule = {
  meta: {
    id: "caddy-hsts-missing",
    clause: "hsts",
    severity: "low",
    title: "HTTPS site proxies to the app without HSTS",
    explanation:
      "Caddy does not add Strict-Transport-Security. Unless Django sends it (SECURE_HSTS_SECONDS, which needs Django to know the request is https), browsers never learn to skip plain HTTP and the first request of a visit can be downgraded. Audited with the settings, a site on whose every HTTPS route Django surely sends it (SECURE_HSTS_SECONDS > 0, SecurityMiddleware, and the X-Forwarded-Proto Caddy sets read by SECURE_PROXY_SSL_HEADER) is not reported.",
    fix: {
      caddy: 'header Strict-Transport-Security "max-age=31536000; includeSubDomains"',
      django: "or SECURE_HSTS_SECONDS = 31536000 with SECURE_PROXY_SSL_HEADER set",
    },
  },
  check(input: AuditInput): RuleFinding[] {
    const { caddy } = input;
    if (!caddy) return [];
    const djangoSends = djangoSendsHsts(input);
    // Django answers for the site only when it surely sends HSTS on each of the site's HTTPS routes.
    const sentByDjango = (site: CaddySite) => {
      const routes = caddySiteRoutes(caddy, site).filter((route) => route.traffic.includes("tls"));
      return routes.length > 0 && routes.every(djangoSends);
    };
    return caddy.sites
      .filter((site) => site.addresses.some((a) => a.scheme === "https"))
      .filter((site) => reverseProxies(site).length > 0 && hstsFields(site).length === 0)
      .filter((site) => !sentByDjango(site))
      .map((site) => ({
        status: "warn",
        message: `site ${site.addresses.map((a) => a.raw).join(", ")} proxies over HTTPS and sets no Strict-Transport-Security header (fine only if Django sends it)`,
        location: { file: site.file, line: site.line },
      }));
  },
};
