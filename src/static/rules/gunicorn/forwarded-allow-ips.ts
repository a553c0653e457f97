/**
 * gunicorn rewrites wsgi.url_scheme from X-Forwarded-Proto, X-Forwarded-Protocol and X-Forwarded-Ssl
 * (secure_scheme_headers) when the peer is in forwarded_allow_ips, and always for unix-socket peers.
 * Django uses that scheme whenever SECURE_PROXY_SSL_HEADER is unset.
 */
import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";
import type { CaddyConfig } from "../../caddy/model.js";
import { reverseProxies, upstreamsOf } from "../../caddy/queries.js";
import type { HaproxyConfig } from "../../haproxy/model.js";
import { djangoReadsSchemeHeader } from "../caddy/django-side.js";
import { classifyHost, hostOfAddress } from "../../gunicorn/addresses.js";
import { GUNICORN_DEFAULTS, type GunicornConfig, type GunicornSetting } from "../../gunicorn/model.js";

/** Known values of a setting, or the default when the config leaves it out. */
function knownValues<T>(setting: GunicornSetting<T> | undefined, fallback: T): T[] {
  if (!setting) return [fallback];
  return setting.values.flatMap((v) => (v.kind === "known" ? [v.value] : []));
}

function where(config: GunicornConfig, setting: GunicornSetting<unknown> | undefined) {
  return { file: setting?.file ?? config.file, line: setting?.line ?? 1 };
}

const isLocalOnly = (address: string) => ["loopback", "unix"].includes(classifyHost(hostOfAddress(address)));

export function bindAddresses(config: GunicornConfig): string[] {
  return knownValues(config.bind, [...GUNICORN_DEFAULTS.bind]).flat();
}

export const gunicornForwardedAllowIpsWildcard: StaticRule = {
  meta: {
    id: "gunicorn-forwarded-allow-ips-wildcard",
    clause: "spoofed-proto",
    severity: "high",
    title: "gunicorn takes scheme headers from any peer",
    explanation:
      "forwarded_allow_ips = '*' makes gunicorn believe X-Forwarded-Proto, X-Forwarded-Protocol and X-Forwarded-Ssl from whoever connects. Anyone who reaches gunicorn without the proxy (or through a proxy that passes these headers on) can make a plain-HTTP request look like https to Django.",
    fix: {
      gunicorn:
        "forwarded_allow_ips = '127.0.0.1'  # or the proxy's own address; never '*' on a reachable bind",
    },
  },
  check(input: AuditInput): RuleFinding[] {
    const config = input.gunicorn;
    if (!config?.forwardedAllowIps) return [];
    const wildcard = config.forwardedAllowIps.values.find((v) => v.kind === "known" && v.value.includes("*"));
    if (!wildcard) return [];
    const envNote =
      wildcard.kind === "known" && wildcard.fromEnv
        ? ` (the default when $${wildcard.fromEnv} is unset)`
        : "";
    const binds = bindAddresses(config);
    const localOnly = binds.every(isLocalOnly);
    return [
      {
        status: localOnly ? "warn" : "fail",
        message: localOnly
          ? `forwarded_allow_ips '*'${envNote}: gunicorn only listens on ${binds.join(", ")}, so only local processes can set the scheme, but any proxy there that passes X-Forwarded-Ssl or X-Forwarded-Protocol through lets clients do it`
          : `forwarded_allow_ips '*'${envNote} while gunicorn listens on ${binds.join(", ")}: any peer can set wsgi.url_scheme with X-Forwarded-Proto`,
        location: where(config, config.forwardedAllowIps),
      },
    ];
  },
};

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
