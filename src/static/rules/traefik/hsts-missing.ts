import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";
import { djangoSendsHsts } from "../caddy/django-side.js";
import { traefikHstsValue } from "./hsts-weak.js";

export const traefikHstsMissing: StaticRule = {
  meta: {
    id: "traefik-hsts-missing",
    clause: "hsts",
    severity: "low",
    title: "A TLS router sends no HSTS",
    explanation:
      "Traefik adds Strict-Transport-Security only through a headers middleware (stsSeconds). Unless Django sends it, browsers never learn to skip plain HTTP. How strong a configured one is, is traefik-hsts-weak's judgement.",
    fix: { traefik: "headers middleware: stsSeconds: 31536000, stsIncludeSubdomains: true" },
  },
  check(input: AuditInput): RuleFinding[] {
    const config = input.traefik;
    if (!config || djangoSendsHsts(input)) return [];
    const hsts = new Set(
      config.middlewares.filter((m) => traefikHstsValue(m) !== undefined).map((m) => m.name),
    );
    const tlsEntryPoints = new Set(config.entryPoints.filter((ep) => ep.tls).map((ep) => ep.name));
    return config.routers
      .filter((r) => r.tls || r.entryPoints.some((ep) => tlsEntryPoints.has(ep)))
      .filter((r) => !r.middlewares.some((m) => hsts.has(m)))
      .map((router) => ({
        status: "warn",
        message: `router ${router.name} serves HTTPS without a headers middleware setting stsSeconds (fine only if Django sends HSTS)`,
        location: { file: router.file, line: router.line },
      }));
  },
};
