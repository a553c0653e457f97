/** Caddy removing the Strict-Transport-Security header Django sends, with none of its own in its place. */
import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";
import { reverseProxies } from "../../caddy/queries.js";
import { hstsDeletions, hstsFields } from "../../caddy/hsts-header.js";
import { djangoHstsPositive } from "../../python/settings-queries.js";

export const caddyHstsDropped: StaticRule = {
  meta: {
    id: "caddy-hsts-dropped",
    clause: "hsts",
    severity: "medium",
    title: "The site deletes the app's HSTS header and sets none",
    explanation:
      "`header -Strict-Transport-Security` and reverse_proxy's `header_down -Strict-Transport-Security` remove the header from responses. Django's SECURE_HSTS_SECONDS then never reaches the browser, and with no Strict-Transport-Security of Caddy's own the first request of a visit can be downgraded to plain HTTP.",
    fix: {
      caddy:
        'Drop the -Strict-Transport-Security line, or set the header in Caddy: header Strict-Transport-Security "max-age=31536000; includeSubDomains"',
    },
  },
  check(input: AuditInput): RuleFinding[] {
    // Settings that show Django sends no HSTS leave nothing to drop: caddy-hsts-missing speaks then.
    if (!input.caddy || (input.settings && !djangoHstsPositive(input))) return [];
    return input.caddy.sites
      .filter((site) => site.addresses.some((a) => a.scheme === "https"))
      .filter((site) => reverseProxies(site).length > 0 && hstsFields(site).length === 0)
      .flatMap((site) =>
        hstsDeletions(site).map((d) => ({
          status: "fail" as const,
          message: `${d.name} ${d.args.join(" ")} in site ${site.addresses.map((a) => a.raw).join(", ")} removes the Strict-Transport-Security header, so its HTTPS responses carry no HSTS, not even the one Django sends.`,
          location: { file: d.file, line: d.line },
        })),
      );
  },
};
