/**
 * Django takes the scheme from gunicorn's wsgi.url_scheme whenever SECURE_PROXY_SSL_HEADER is unset, and
 * gunicorn sets it from the proxy's headers only for peers in forwarded_allow_ips.
 */
import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";
import type { CaddyConfig } from "../../caddy/model.js";
import { reverseProxies, upstreamsOf } from "../../caddy/queries.js";
import type { HaproxyConfig } from "../../haproxy/model.js";
import { classifyHost, hostOfAddress } from "../../gunicorn/addresses.js";
import { GUNICORN_DEFAULTS } from "../../gunicorn/defaults.js";
import { isLocalOnly, where } from "./shared.js";
import { bindAddresses, knownValues } from "../../gunicorn/queries.js";
import { djangoReadsSchemeHeader } from "../../python/settings-queries.js";

/** Hosts the proxies in the audit dial to reach the app; a non-local one means the proxy is on another host. */
function proxyUpstreamHosts(caddy: CaddyConfig | undefined, haproxy: HaproxyConfig | undefined): string[] {
  const fromCaddy = (caddy?.sites ?? []).flatMap((site) => reverseProxies(site).flatMap(upstreamsOf));
  const fromHaproxy = (haproxy?.sections ?? []).flatMap((section) =>
    section.directives.filter((d) => d.keyword === "server").map((d) => d.args[1] ?? ""),
  );
  return [...fromCaddy, ...fromHaproxy].map(hostOfAddress).filter((h) => h !== "");
}

export const gunicornForwardedAllowIpsMissesProxy: StaticRule = {
  meta: {
    id: "gunicorn-forwarded-allow-ips-misses-proxy",
    clause: "scheme",
    severity: "medium",
    title: "gunicorn ignores the proxy's X-Forwarded-Proto",
    explanation:
      "forwarded_allow_ips defaults to 127.0.0.1. When the proxy connects from another address (another container or host), gunicorn ignores its X-Forwarded-Proto and wsgi.url_scheme stays http; without SECURE_PROXY_SSL_HEADER Django then believes every request is plain HTTP.",
    fix: {
      gunicorn: "forwarded_allow_ips = '<the proxy's address>'",
      django:
        "or SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https'), with the proxy overwriting that header",
    },
  },
  check(input: AuditInput): RuleFinding[] {
    const config = input.gunicorn;
    if (!config || djangoReadsSchemeHeader(input)) return [];
    const trusted = knownValues(config.forwardedAllowIps, [...GUNICORN_DEFAULTS.forwardedAllowIps]);
    if (trusted.some((list) => list.includes("*") || !list.every((ip) => classifyHost(ip) === "loopback")))
      return [];
    const binds = bindAddresses(config);
    if (binds.every((b) => classifyHost(hostOfAddress(b)) === "unix")) return [];
    const remoteUpstreams = proxyUpstreamHosts(input.caddy, input.haproxy).filter((h) => !isLocalOnly(h));
    const reachableBinds = binds.filter((b) => !isLocalOnly(b));
    if (remoteUpstreams.length === 0 && reachableBinds.length === 0) return [];
    const why =
      remoteUpstreams.length > 0
        ? `the proxy dials ${remoteUpstreams.join(", ")}, so it connects from another address`
        : `gunicorn listens on ${reachableBinds.join(", ")}, so the proxy is likely elsewhere`;
    const setting = config.forwardedAllowIps
      ? "forwarded_allow_ips"
      : "forwarded_allow_ips (default 127.0.0.1, or $FORWARDED_ALLOW_IPS)";
    return [
      {
        status: "warn",
        message: `${setting} trusts only loopback, but ${why}: gunicorn will ignore its X-Forwarded-Proto`,
        location: where(config, config.forwardedAllowIps),
      },
    ];
  },
};
