import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";
import { plainTakenForHttps, unredirectedVerdict } from "../unredirected-plain-http.js";
import { traefikRoute } from "../../contract/traefik-route.js";
import {
  effectiveMiddlewares,
  routerEntryPoints,
  type TraefikConfig,
  type TraefikEntryPoint,
  type TraefikRouter,
} from "../../traefik/model.js";

/**
 * The entry points where a router serves plain HTTP: no TLS of its own, on an entry point without TLS or a
 * redirection, where no redirectScheme runs before it (its own, a chain's, or the entry point's middlewares).
 */
function plainEntryPoints(config: TraefikConfig, router: TraefikRouter): TraefikEntryPoint[] {
  if (router.tls) return [];
  return routerEntryPoints(config, router)
    .filter((ep) => !ep.tls && !ep.redirectsTo)
    .filter((ep) => !effectiveMiddlewares(config, router, ep).some((m) => m.kind === "redirectScheme"));
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
    const { settings } = input;
    return config.routers
      .map((router) => ({ router, plain: router.pathMatched ? [] : plainEntryPoints(config, router) }))
      .filter(({ plain }) => plain.length > 0)
      .map(({ router, plain }) => ({
        ...unredirectedVerdict(
          `router ${router.name} (${router.rule || "no rule"}) serves plain HTTP to ${router.service || "its service"} without redirecting to HTTPS`,
          settings,
          // A headers middleware writing X-Forwarded-Proto: https hides plain HTTP from SECURE_SSL_REDIRECT.
          settings &&
            plainTakenForHttps(
              { ...input, settings },
              plain.map((ep) => traefikRoute(config, router, ep, "plain")),
            ),
        ),
        location: { file: router.file, line: router.line },
      }));
  },
};
