/** Questions the rules and the cross-check ask of a parsed Caddyfile. */
import { trustBreadth } from "../gunicorn/addresses.js";
import { walkDirectives, type CaddyDirective, type CaddySite } from "./model.js";

/** A site's reverse_proxy directives, including those nested in handle/route blocks. */
export function reverseProxies(site: CaddySite): CaddyDirective[] {
  return [...walkDirectives(site.directives)].filter((d) => d.name === "reverse_proxy");
}

/** Matcher token in first position: a path, a named matcher or `*`. */
export function isMatcherToken(arg: string | undefined): boolean {
  return arg !== undefined && (arg.startsWith("/") || arg.startsWith("@") || arg === "*");
}

/** Upstream addresses of a reverse_proxy: inline arguments after the matcher, and `to` lines in its block. */
export function upstreamsOf(proxy: CaddyDirective): string[] {
  const inline = isMatcherToken(proxy.args[0]) ? proxy.args.slice(1) : proxy.args;
  const fromBlock = (proxy.block ?? []).filter((d) => d.name === "to").flatMap((d) => d.args);
  return [...inline, ...fromBlock];
}

/** The dial address Caddy derives from an upstream: scheme dropped, default port added. */
export function upstreamDial(upstream: string): string {
  if (upstream.startsWith("unix/")) return upstream;
  const scheme = /^(https?|h2c):\/\//i.exec(upstream)?.[1]?.toLowerCase();
  const hostPort = scheme ? upstream.slice(upstream.indexOf("://") + 3).replace(/\/.*$/, "") : upstream;
  const hasPort = /:\d+$/.test(hostPort) && !/^[^[]*:.*:/.test(hostPort);
  if (hasPort || hostPort.includes("{")) return hostPort;
  return `${hostPort}:${scheme === "https" ? 443 : 80}`;
}

/** Subdirectives of a directive's block with a given name. */
export function subdirectives(directive: CaddyDirective, name: string): CaddyDirective[] {
  return (directive.block ?? []).filter((d) => d.name === name);
}

/** Blocks that hold handlers and may carry a matcher of their own. */
export const HANDLERS = new Set(["handle", "handle_path", "route"]);

function isHttpsRedirect(directive: CaddyDirective): boolean {
  return directive.name === "redir" && directive.args.some((arg) => /^https:\/\//i.test(arg));
}

/**
 * A redir to https that applies to every path (top level) or to every path no other handle takes (a
 * matcher-less handle). A redir behind a matcher (`redir /admin/* https://...`) leaves the other paths alone.
 */
export function siteRedirect(site: CaddySite): { directive: CaddyDirective; topLevel: boolean } | undefined {
  const top = site.directives.find((d) => isHttpsRedirect(d) && !isMatcherToken(d.args[0]));
  if (top) return { directive: top, topLevel: true };
  for (const handler of site.directives.filter((d) => HANDLERS.has(d.name) && !isMatcherToken(d.args[0]))) {
    const inner = (handler.block ?? []).find((d) => isHttpsRedirect(d) && !isMatcherToken(d.args[0]));
    if (inner) return { directive: inner, topLevel: false };
  }
  return undefined;
}

export interface FoundProxy {
  directive: CaddyDirective;
  /** The matcher token of reverse_proxy itself or of the enclosing handle block; undefined for every request. */
  path?: string;
}

function findProxies(
  directives: readonly CaddyDirective[],
  path: string | undefined,
  found: FoundProxy[],
): void {
  for (const directive of directives) {
    const matcher =
      isMatcherToken(directive.args[0]) && directive.args[0] !== "*" ? directive.args[0] : undefined;
    if (directive.name === "reverse_proxy") {
      const own = matcher ?? path;
      found.push({ directive, ...(own ? { path: own } : {}) });
    } else if (HANDLERS.has(directive.name) && directive.block) {
      findProxies(directive.block, matcher ?? path, found);
    }
  }
}

/** A site's reverse_proxy directives, each with the matcher that selects its requests. */
export function proxiesWithMatchers(site: CaddySite): FoundProxy[] {
  const found: FoundProxy[] = [];
  findProxies(site.directives, undefined, found);
  return found;
}

/** What a matcher token limits a route to: paths, peers (remote_ip / client_ip), one protocol, or something else. */
export interface Matcher {
  paths: string[];
  peers: string[];
  protocol?: "https" | "http";
  /** Matchers on the request itself (header, method, ...): the client picks them. */
  other: boolean;
}

export function matcherOf(site: CaddySite, token: string): Matcher {
  const matcher: Matcher = { paths: [], peers: [], other: false };
  if (token.startsWith("/")) return { ...matcher, paths: [token] };
  const definition = site.directives.filter((d) => d.name === token);
  const entries = definition.flatMap((d) => (d.block ? d.block.map((e) => [e.name, ...e.args]) : [d.args]));
  if (entries.length === 0) matcher.other = true;
  for (const [kind = "", ...values] of entries) {
    if (kind === "path") matcher.paths.push(...values);
    else if (kind === "remote_ip" || kind === "client_ip") matcher.peers.push(...values);
    else if (kind === "protocol" && (values[0] === "https" || values[0] === "http"))
      matcher.protocol = values[0];
    else matcher.other = true;
  }
  return matcher;
}

/** The peers a matcher limits its route to (remote_ip / client_ip short of everyone); undefined when it does not. */
export function onlyPeers(matcher: Matcher | undefined): string[] | undefined {
  const peers = matcher?.peers ?? [];
  return peers.length > 0 && !peers.some((p) => trustBreadth(p) === "everyone") ? peers : undefined;
}
