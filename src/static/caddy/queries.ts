/** Questions the rules and the cross-check ask of a parsed Caddyfile. */
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
