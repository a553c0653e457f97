import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";
import { unredirectedVerdict } from "../unredirected-plain-http.js";
import type { TraefikConfig, TraefikRouter } from "../../traefik/model.js";

function middlewareKinds(config: TraefikConfig, router: TraefikRouter): string[] {
  return router.middlewares.flatMap((name) =>
    config.middlewares.filter((m) => m.name === name).map((m) => m.kind),
  );
}

/** A router that serves plain HTTP: no TLS of its own or from its entry points, and no redirect before it. */
function servesPlainHttp(config: TraefikConfig, router: TraefikRouter): boolean {
  if (router.tls) return false;
  const eps = config.entryPoints.filter(
    (ep) => router.entryPoints.length === 0 || router.entryPoints.includes(ep.name),
  );
  const plain = eps.filter((ep) => !ep.tls && !ep.redirectsTo);
  return plain.length > 0 && !middlewareKinds(config, router).includes("redirectScheme");
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
