/**
 * The contract's view of a Caddyfile. reverse_proxy writes X-Forwarded-For/-Proto/-Host itself (keeping
 * the client's only for peers in trusted_proxies), passes Host and every other header as sent, and
 * header_up runs after it. Handle blocks are exclusive; a top-level redir runs before any of them.
 */
import type { CaddyConfig, CaddyDirective, CaddySite } from "../caddy/model.js";
import {
  matcherOf,
  onlyPeers,
  proxiesWithMatchers,
  siteRedirect,
  subdirectives,
  upstreamsOf,
  type FoundProxy,
} from "../caddy/queries.js";
import { trustBreadth } from "../gunicorn/addresses.js";
import { hstsFields } from "../caddy/hsts-header.js";
import type { AppRoute, HeaderFate, ProxyView, Traffic } from "./proxy-view.js";

const MANAGED = new Set(["x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"]);
function locate(d: { file: string; line: number }) {
  return { file: d.file, line: d.line };
}

const CLIENT_HOST = /^\{(host|hostport|http\.request\.host|http\.request\.hostport)\}$/;

interface Trust {
  entries: string[];
  directive: CaddyDirective;
}

function trustOf(config: CaddyConfig, proxy: CaddyDirective): Trust | undefined {
  const own = subdirectives(proxy, "trusted_proxies").at(-1);
  if (own) return { entries: own.args, directive: own };
  for (const servers of config.globalOptions.filter((d) => d.name === "servers")) {
    const global = (servers.block ?? []).find((d) => d.name === "trusted_proxies");
    if (global) return { entries: global.args.slice(1), directive: global };
  }
  return undefined;
}

/** The last header_up for a field: its operation and value. */
function headerUp(
  proxy: CaddyDirective,
  name: string,
): { op: "set" | "add" | "delete"; value: string; at: CaddyDirective } | undefined {
  const wanted = name.toLowerCase();
  const line = subdirectives(proxy, "header_up")
    .filter((d) => (d.args[0] ?? "").replace(/^[-+]/, "").toLowerCase() === wanted)
    .at(-1);
  if (!line) return undefined;
  const field = line.args[0] ?? "";
  const op = field.startsWith("-") ? "delete" : field.startsWith("+") ? "add" : "set";
  return { op, value: line.args.slice(1).join(" "), at: line };
}

function schemeOf(value: string, traffic: Traffic): "https" | "http" | undefined {
  if (/^\{(scheme|http\.request\.scheme)\}$/.test(value)) return traffic === "tls" ? "https" : "http";
  return value === "https" || value === "http" ? value : undefined;
}

function managedValue(name: string, traffic: Traffic): { value: string; scheme?: "https" | "http" } {
  if (name === "x-forwarded-proto")
    return { value: traffic === "tls" ? "https" : "http", scheme: traffic === "tls" ? "https" : "http" };
  return { value: name === "x-forwarded-host" ? "{host}" : "{remote_host}" };
}

function headerFate(config: CaddyConfig, proxy: CaddyDirective, name: string, traffic: Traffic): HeaderFate {
  const lower = name.toLowerCase();
  const written = headerUp(proxy, name);
  if (written?.op === "delete") return { kind: "removed", at: locate(written.at) };
  if (written?.op === "set") {
    const copied = /\{(?:http\.request\.header|header)\.([A-Za-z0-9_-]+)\}/.exec(written.value)?.[1];
    if (copied && copied.toLowerCase() !== "host") {
      return {
        kind: "client",
        how: `copied from the client's ${copied} by header_up`,
        at: locate(written.at),
      };
    }
    const scheme = schemeOf(written.value, traffic);
    return { kind: "proxy", value: written.value, ...(scheme ? { scheme } : {}), at: locate(written.at) };
  }
  const dashed = lower.replace(/_/g, "-");
  if (MANAGED.has(lower) || (lower.includes("_") && MANAGED.has(dashed))) {
    // Go sends header fields sorted, so Caddy's own X-Forwarded-Proto precedes a client's X_Forwarded_Proto.
    if (lower !== dashed) {
      const own = headerFate(config, proxy, dashed, traffic);
      return own.kind === "proxy"
        ? { ...own, value: `${own.value} (sent before the client's ${name})` }
        : { kind: "client", how: "passed through", at: locate(proxy) };
    }
    const trust = trustOf(config, proxy);
    const broad = trust?.entries.filter((e) => trustBreadth(e) !== "narrow") ?? [];
    if (trust && broad.length > 0) {
      const everyone = broad.some((e) => trustBreadth(e) === "everyone");
      return {
        kind: "client",
        how: `kept by reverse_proxy for peers in trusted_proxies ${broad.join(" ")}`,
        ...(everyone ? {} : { onlyWhen: `clients connect from ${broad.join(" ")}` }),
        ...(lower === "x-forwarded-proto" ? { fallbackScheme: managedValue(lower, traffic).scheme } : {}),
        at: locate(trust.directive),
      };
    }
    return { kind: "proxy", ...managedValue(lower, traffic), at: locate(proxy) };
  }
  const how =
    written?.op === "add"
      ? "kept first, header_up + appends after it"
      : "passed through (Caddy forwards the request headers it does not manage)";
  return { kind: "client", how, at: locate(written?.at ?? proxy) };
}

/** The Host Django sees after `header_up Host <value>`: a literal, or the single upstream's address. */
function literalHost(value: string, proxy: CaddyDirective): { host?: string } {
  const upstreams = upstreamsOf(proxy);
  if (/upstream_hostport|reverse_proxy\.upstream\.hostport/.test(value) && upstreams.length === 1)
    return { host: upstreams[0]!.replace(/^[a-z0-9]+:\/\//i, "") };
  return value.includes("{") ? {} : { host: value };
}

/**
 * A route open only to some peers (`@balancer remote_ip 10.20.0.0/16`): a client's copy of a header on it is
 * those peers' only.
 */
function peerLimited(fate: HeaderFate, peers: string[] | undefined, token: string): HeaderFate {
  if (fate.kind !== "client" || !peers) return fate;
  const onlyWhen = `the peer is in ${peers.join(" ")}`;
  return {
    ...fate,
    how: `${fate.how}, on a route matched only when ${onlyWhen} (${token})`,
    onlyWhen: fate.onlyWhen ? `${fate.onlyWhen} and ${onlyWhen}` : onlyWhen,
  };
}

/** The routes by which one site's requests reach the app: one per reverse_proxy. */
export function caddySiteRoutes(config: CaddyConfig, site: CaddySite): AppRoute[] {
  const found: FoundProxy[] = proxiesWithMatchers(site);
  const redirect = siteRedirect(site);
  const hasPlain = site.addresses.some((a) => a.scheme === "http");
  const hasTls = site.addresses.some((a) => a.scheme === "https");
  const siteName = site.addresses.map((a) => a.raw).join(", ");
  return found.map(({ directive, path }): AppRoute => {
    const matcher = path ? matcherOf(site, path) : undefined;
    const plainReachable =
      hasPlain && !redirect?.topLevel && (!redirect || path !== undefined) && matcher?.protocol !== "https";
    const traffic: Traffic[] = [
      ...(hasTls && matcher?.protocol !== "http" ? ["tls" as const] : []),
      ...(plainReachable ? ["plain" as const] : []),
    ];
    // Only a matcher on paths (or on the request) narrows the pages; peers and protocol do not.
    const narrowed = matcher && (matcher.paths.length > 0 || matcher.other);
    const host = headerUp(directive, "Host");
    const rewritten = host?.op === "set" && !CLIENT_HOST.test(host.value);
    return {
      proxy: "caddy",
      label: `reverse_proxy ${upstreamsOf(directive).join(" ")}${path ? ` for ${path}` : ""} in site ${siteName}`,
      site: `site ${siteName}`,
      ...(narrowed ? { pages: `every page matching ${path}` } : {}),
      at: locate(directive),
      traffic,
      plainPaths: !matcher ? "all" : matcher.paths.length > 0 ? matcher.paths : narrowed ? [path!] : "all",
      hosts: site.addresses.map((a) => a.host).filter((h) => h !== ""),
      catchAll: site.addresses.some((a) => a.host === ""),
      header: (name, kind) =>
        peerLimited(headerFate(config, directive, name, kind), onlyPeers(matcher), path ?? ""),
      upstreams: upstreamsOf(directive),
      ...(rewritten
        ? { hostRewrite: { value: host.value, ...literalHost(host.value, directive), at: locate(host.at) } }
        : {}),
      sendsHsts: hstsFields(site).length > 0,
    };
  });
}

function autoRedirects(config: CaddyConfig): boolean {
  return !config.globalOptions.some(
    (d) => d.name === "auto_https" && ["off", "disable_redirects"].includes(d.args[0] ?? ""),
  );
}

export function caddyView(config: CaddyConfig): ProxyView {
  const plainRedirects = config.sites.flatMap((site) => {
    const redirect = site.addresses.some((a) => a.scheme === "http") ? siteRedirect(site) : undefined;
    return redirect ? [locate(redirect.directive)] : [];
  });
  // Caddy's automatic HTTP->HTTPS redirect covers the named https sites without an http:// block of their own.
  if (autoRedirects(config)) {
    const auto = config.sites.filter((s) => s.addresses.some((a) => a.scheme === "https" && a.host !== ""));
    plainRedirects.push(...auto.map(locate));
  }
  return {
    proxy: "caddy",
    routes: config.sites.flatMap((site) => caddySiteRoutes(config, site)),
    plainRedirects,
  };
}
