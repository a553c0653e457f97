import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";
import { unredirectedVerdict } from "../unredirected-plain-http.js";
import {
  effectiveMiddlewares,
  routerEntryPoints,
  type TraefikConfig,
  type TraefikRouter,
} from "../../traefik/model.js";

/**
 * A router that serves plain HTTP: no TLS of its own, on an entry point without TLS or a redirection,
 * where no redirectScheme runs before it (its own, a chain's, or the entry point's middlewares).
 */
function servesPlainHttp(config: TraefikConfig, router: TraefikRouter): boolean {
  if (router.tls) return false;
  return routerEntryPoints(config, router)
    .filter((ep) => !ep.tls && !ep.redirectsTo)
    .some((ep) => !effectiveMiddlewares(config, router, ep).some((m) => m.kind === "redirectScheme"));
}

export const traefikPlainHttpServed: StaticRule = {
  meta: {
    id: "traefik-plain-http-served",
    clause: "https-redirect",
    severity: "high",
    title: "A Traefik router serves the app over plain HTTP",
    explanation:
      "A router on an entry point without TLS and without a redirectScheme middleware (or an entry-point redirection) hands plain-HTTP requests to the app: users stay on HTTP unless Django redirects (a failure when the settings show it does not, a warning otherwise). Only a health-check path should reach the app on plain HTTP.",
    fix: {
      traefik:
        "entryPoints.web.http.redirections.entryPoint: { to: websecure, scheme: https, permanent: true }, or a redirectScheme middleware on the web router; keep a Path(`/healthz`) router with a higher priority for the health check",
    },
  },
  check(input: AuditInput): RuleFinding[] {
    const config = input.traefik;
    if (!config) return [];
    return config.routers
      .filter((router) => !router.pathMatched && servesPlainHttp(config, router))
      .map((router) => ({
        ...unredirectedVerdict(
          `router ${router.name} (${router.rule || "no rule"}) serves plain HTTP to ${router.service || "its service"} without redirecting to HTTPS`,
          input.settings,
        ),
        location: { file: router.file, line: router.line },
      }));
  },
};
