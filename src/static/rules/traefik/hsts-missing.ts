import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";
import {
  effectiveMiddlewares,
  routerEntryPoints,
  type TraefikEntryPoint,
  type TraefikRouter,
} from "../../traefik/model.js";
import { traefikHstsValue } from "./hsts-weak.js";
import { djangoSendsHsts } from "../../contract/scheme.js";
import { traefikRoute } from "../../contract/traefik-route.js";

export const traefikHstsMissing: StaticRule = {
  meta: {
    id: "traefik-hsts-missing",
    clause: "hsts",
    severity: "low",
    title: "A TLS router sends no HSTS",
    explanation:
      "Traefik adds Strict-Transport-Security only through a headers middleware (stsSeconds). Unless Django sends it, browsers never learn to skip plain HTTP. Audited with the settings, a router on which Django surely sends it (SECURE_HSTS_SECONDS > 0, SecurityMiddleware, and SECURE_PROXY_SSL_HEADER reading the X-Forwarded-Proto Traefik writes) is not reported. How strong a configured one is, is traefik-hsts-weak's judgement.",
    fix: { traefik: "headers middleware: stsSeconds: 31536000, stsIncludeSubdomains: true" },
  },
  check(input: AuditInput): RuleFinding[] {
    const config = input.traefik;
    if (!config) return [];
    // The entry points where the router serves HTTPS; with none known, the router's own middlewares decide.
    const https = (r: TraefikRouter): (TraefikEntryPoint | undefined)[] => {
      const eps = routerEntryPoints(config, r);
      if (eps.length === 0) return r.tls ? [undefined] : [];
      return r.tls ? eps : eps.filter((ep) => ep.tls);
    };
    const djangoSends = djangoSendsHsts(input);
    const sendsHsts = (r: TraefikRouter, ep: TraefikEntryPoint | undefined) =>
      effectiveMiddlewares(config, r, ep).some((m) => traefikHstsValue(m) !== undefined) ||
      djangoSends(traefikRoute(config, r, ep, "tls"));
    return config.routers
      .filter((r) => https(r).some((ep) => !sendsHsts(r, ep)))
      .map((router) => ({
        status: "warn",
        message: `router ${router.name} serves HTTPS without a headers middleware setting stsSeconds (fine only if Django sends HSTS)`,
        location: { file: router.file, line: router.line },
      }));
  },
};
