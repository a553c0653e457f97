/**
 * reverse_proxy writes X-Forwarded-For, -Proto and -Host itself but passes X-Real-IP as the client sent
 * it: unless a header_up (or request_header) replaces or deletes it, the client chooses its value.
 */
import type { RuleFinding, StaticRule } from "../../rule.js";
import { walkDirectives, type CaddyDirective } from "../../caddy/model.js";
import { reverseProxies, subdirectives } from "../../caddy/queries.js";

/** `header_up X-Real-IP {remote_host}` or `header_up -X-Real-IP` (not `+X-Real-IP`, which appends). */
function replacesRealIp(directive: CaddyDirective): boolean {
  const field = directive.args[0]?.toLowerCase();
  return field === "x-real-ip" || field === "-x-real-ip";
}

export const caddyClientXRealIp: StaticRule = {
  meta: {
    id: "caddy-client-x-real-ip",
    clause: "client-ip",
    severity: "medium",
    title: "The client's X-Real-IP reaches the app",
    explanation:
      "Caddy's reverse_proxy overwrites X-Forwarded-For with the peer's address but forwards X-Real-IP untouched, so whatever a client writes there reaches Django as HTTP_X_REAL_IP. Django itself ignores it, but apps, rate limiters and packages such as django-ipware that read it believe a forged address.",
    fix: {
      caddy: "reverse_proxy 127.0.0.1:8000 {\n\theader_up X-Real-IP {remote_host}\n}",
      django:
        "Read the client address from X-Forwarded-For, which reverse_proxy writes from the peer's address, never from X-Real-IP.",
    },
  },
  check(input): RuleFinding[] {
    if (!input.caddy) return [];
    return input.caddy.sites.flatMap((site) => {
      const replacedForSite = [...walkDirectives(site.directives)].some(
        (d) => d.name === "request_header" && replacesRealIp(d),
      );
      if (replacedForSite) return [];
      return reverseProxies(site)
        .filter((proxy) => !subdirectives(proxy, "header_up").some(replacesRealIp))
        .map((proxy) => ({
          status: "warn" as const,
          message: `reverse_proxy ${proxy.args.join(" ")} (${site.addresses.map((a) => a.raw).join(", ")}) passes the client's own X-Real-IP to the app: an app that reads it believes a forged address.`,
          location: { file: proxy.file, line: proxy.line },
        }));
    });
  },
};
