/** Traefik routers: what reaches the app over plain HTTP, and for which Host. */
import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";
import { djangoSendsHsts } from "../caddy/django-side.js";
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
      "A router on an entry point without TLS and without a redirectScheme middleware (or an entry-point redirection) hands plain-HTTP requests to the app: users stay on HTTP. Only a health-check path should do that.",
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
        status: "fail",
        message: `router ${router.name} (${router.rule || "no rule"}) serves plain HTTP to ${router.service || "its service"} without redirecting to HTTPS`,
        location: { file: router.file, line: router.line },
      }));
  },
};

export const traefikRouterWithoutHost: StaticRule = {
  meta: {
    id: "traefik-router-without-host",
    clause: "host-header",
    severity: "high",
    title: "A Traefik router matches any Host",
    explanation:
      "A router whose rule has no Host(...) matcher sends requests for any name to the app; with ALLOWED_HOSTS too wide, forged Host headers reach password-reset links and caches.",
    fix: { traefik: "rule: Host(`app.example.com`)  # on every router that reaches the app" },
  },
  check(input: AuditInput): RuleFinding[] {
    return (input.traefik?.routers ?? [])
      .filter((router) => router.service && router.hosts.length === 0)
      .map((router) => ({
        status: "fail",
        message: `router ${router.name} (${router.rule || "no rule"}) matches every Host`,
        location: { file: router.file, line: router.line },
      }));
  },
};

export const traefikHstsMissing: StaticRule = {
  meta: {
    id: "traefik-hsts-missing",
    clause: "hsts",
    severity: "low",
    title: "A TLS router sends no HSTS",
    explanation:
      "Traefik adds Strict-Transport-Security only through a headers middleware (stsSeconds). Unless Django sends it, browsers never learn to skip plain HTTP.",
    fix: { traefik: "headers middleware: stsSeconds: 31536000, stsIncludeSubdomains: true" },
  },
  check(input: AuditInput): RuleFinding[] {
    const config = input.traefik;
    if (!config || djangoSendsHsts(input)) return [];
    const hsts = new Set(
      config.middlewares
        .filter(
          (m) =>
            m.kind === "headers" &&
            Number(m.options.stsSeconds) >= 31536000 &&
            m.options.stsIncludeSubdomains === true,
        )
        .map((m) => m.name),
    );
    const tlsEntryPoints = new Set(config.entryPoints.filter((ep) => ep.tls).map((ep) => ep.name));
    return config.routers
      .filter((r) => r.tls || r.entryPoints.some((ep) => tlsEntryPoints.has(ep)))
      .filter((r) => !r.middlewares.some((m) => hsts.has(m)))
      .map((router) => ({
        status: "warn",
        message: `router ${router.name} serves HTTPS without a headers middleware setting stsSeconds >= 31536000 and stsIncludeSubdomains (fine only if Django sends HSTS)`,
        location: { file: router.file, line: router.line },
      }));
  },
};

export const traefikHostNotPassed: StaticRule = {
  meta: {
    id: "traefik-host-not-passed",
    clause: "csrf-origin",
    severity: "high",
    title: "Traefik sends the upstream's address as Host",
    explanation:
      "With passHostHeader: false the app sees the server's URL host, not the site's: Django's CSRF Origin check refuses every real form post and absolute URLs point at the backend.",
    fix: { traefik: "loadBalancer.passHostHeader: true  # the default" },
  },
  check(input: AuditInput): RuleFinding[] {
    return (input.traefik?.services ?? [])
      .filter((service) => !service.passHostHeader)
      .map((service) => ({
        status: "fail",
        message: `service ${service.name} sets passHostHeader: false: the app receives Host ${service.urls[0] ?? "of the server"}, not the site's name`,
        location: { file: service.file, line: service.line },
      }));
  },
};
