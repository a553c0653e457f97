/**
 * A Traefik router on an entry point as a contract route, for what the app learns of the scheme there.
 * Traefik drops a peer's X-Forwarded-* headers and writes its own (X-Forwarded-Proto: https on TLS, http
 * on plain HTTP) unless the entry point trusts the peer (forwardedHeaders.insecure or trustedIPs); a headers
 * middleware's customRequestHeaders then sets or, with "", removes a header. Any other header reaches
 * the app as the client sent it. Only the scheme is modelled: the routes serve the hsts and https-redirect judgements.
 */
import {
  effectiveMiddlewares,
  type TraefikConfig,
  type TraefikEntryPoint,
  type TraefikRouter,
} from "../traefik/model.js";
import type { AppRoute, HeaderFate, Traffic } from "./proxy-view.js";

/** The request headers Traefik's forwarded-headers handling replaces (lower case). */
const WRITTEN_BY_TRAEFIK = new Set([
  "x-forwarded-proto",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-port",
  "x-forwarded-server",
  "x-real-ip",
]);

/** The value the last headers middleware in the chain gives the header, if one does. */
function customValue(
  config: TraefikConfig,
  router: TraefikRouter,
  entryPoint: TraefikEntryPoint | undefined,
  name: string,
): { value: string; at: { file: string; line: number } } | undefined {
  let found: { value: string; at: { file: string; line: number } } | undefined;
  for (const middleware of effectiveMiddlewares(config, router, entryPoint)) {
    const custom = middleware.kind === "headers" ? middleware.options.customRequestHeaders : undefined;
    if (typeof custom !== "object" || custom === null) continue;
    for (const [header, value] of Object.entries(custom))
      if (header.toLowerCase() === name)
        found = { value: String(value), at: { file: middleware.file, line: middleware.line } };
  }
  return found;
}

/** The router's requests on one entry point, carrying `traffic` (a TLS router's, or a plain one's). */
export function traefikRoute(
  config: TraefikConfig,
  router: TraefikRouter,
  entryPoint: TraefikEntryPoint | undefined,
  traffic: Traffic,
): AppRoute {
  const at = { file: router.file, line: router.line };
  const scheme = traffic === "tls" ? "https" : "http";
  const header = (name: string): HeaderFate => {
    const lower = name.toLowerCase();
    const custom = customValue(config, router, entryPoint, lower);
    if (custom)
      return custom.value === "" ? { kind: "removed", at: custom.at } : { kind: "proxy", ...custom };
    if (!WRITTEN_BY_TRAEFIK.has(lower)) return { kind: "client", how: "passed through", at };
    const trusted = entryPoint && (entryPoint.forwardedInsecure || entryPoint.trustedIPs.length > 0);
    if (entryPoint && trusted)
      return {
        kind: "client",
        how: `kept from ${entryPoint.forwardedInsecure ? "any peer" : entryPoint.trustedIPs.join(", ")} (forwardedHeaders)`,
        at: { file: entryPoint.file, line: entryPoint.line },
        // Without the peer's copy Traefik writes its own.
        ...(lower === "x-forwarded-proto" ? { fallbackScheme: scheme } : {}),
      };
    return lower === "x-forwarded-proto"
      ? { kind: "proxy", value: scheme, scheme, at }
      : { kind: "proxy", value: "(Traefik's own)", at };
  };
  return {
    proxy: "traefik",
    label: `router ${router.name}${entryPoint ? ` on entry point ${entryPoint.name}` : ""}`,
    site: router.name,
    at,
    traffic: [traffic],
    plainPaths: traffic === "plain" ? "all" : [],
    hosts: router.hosts,
    catchAll: !router.hostRestricted,
    header,
    sendsHsts: false,
  };
}
