/** Caddy sends no Strict-Transport-Security by itself; a `header` directive has to add it. */
import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";
import { reverseProxies } from "../../caddy/queries.js";
import { djangoSendsHsts } from "./django-side.js";
import { hstsFields } from "./hsts-header.js";

export const caddyHstsMissing: StaticRule = {
  meta: {
    id: "caddy-hsts-missing",
    clause: "hsts",
    severity: "low",
    title: "HTTPS site proxies to the app without HSTS",
    explanation:
      "Caddy does not add Strict-Transport-Security. Unless Django sends it (SECURE_HSTS_SECONDS, which needs Django to know the request is https), browsers never learn to skip plain HTTP and the first request of a visit can be downgraded.",
    fix: {
      caddy: 'header Strict-Transport-Security "max-age=31536000; includeSubDomains"',
      django: "or SECURE_HSTS_SECONDS = 31536000 with SECURE_PROXY_SSL_HEADER set",
    },
  },
  check(input: AuditInput): RuleFinding[] {
    if (!input.caddy || djangoSendsHsts(input)) return [];
    return input.caddy.sites
      .filter((site) => site.addresses.some((a) => a.scheme === "https"))
      .filter((site) => reverseProxies(site).length > 0 && hstsFields(site).length === 0)
      .map((site) => ({
        status: "warn",
        message: `site ${site.addresses.map((a) => a.raw).join(", ")} proxies over HTTPS and sets no Strict-Transport-Security header (fine only if Django sends it)`,
        location: { file: site.file, line: site.line },
      }));
  },
};
