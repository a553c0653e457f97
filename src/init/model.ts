/** What `proxytrust init` is asked for, validated: the generators read only this. */
import { isIP } from "node:net";

export const INIT_PROXIES = ["nginx", "caddy", "haproxy", "apache", "traefik"] as const;
export type InitProxy = (typeof INIT_PROXIES)[number];

export const OUTER_TIERS = ["alb", "cloudflare"] as const;
export type OuterTier = (typeof OUTER_TIERS)[number];

export interface Upstream {
  host: string;
  port: number;
}

/** Where the proxy listens and which certificate it serves; production defaults, overridable for tests. */
export interface Listening {
  /** One address to listen on; undefined: every address (IPv4 and IPv6). */
  address?: string;
  httpPort: number;
  httpsPort: number;
  /** PEM files; undefined: the proxy's conventional place (Let's Encrypt), or Caddy's automatic HTTPS. */
  certificate?: { cert: string; key: string };
}

export interface InitRequest {
  proxy: InitProxy;
  /** The first is the canonical name. */
  domains: string[];
  healthPath: string;
  behind?: OuterTier;
  upstream: Upstream;
  /** The address gunicorn sees the proxy connect from (its forwarded_allow_ips). */
  proxyAddress: string;
  listening: Listening;
}

export const DEFAULT_LISTENING: Listening = { httpPort: 80, httpsPort: 443 };

/** A mistake in what was asked; the CLI prints it on one line and exits 2. */
export class InitInputError extends Error {}

const DOMAIN =
  /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

export function parseDomain(raw: string): string {
  const domain = raw.trim().toLowerCase().replace(/\.$/, "");
  if (!DOMAIN.test(domain))
    throw new InitInputError(`--domain '${raw}': expected a host name such as app.example.com`);
  return domain;
}

export function parseHealthPath(raw: string): string {
  if (!/^\/[A-Za-z0-9._~\-/]*$/.test(raw))
    throw new InitInputError(`--health-path '${raw}': expected a plain path such as /healthz`);
  return raw;
}

export function parseUpstream(raw: string): Upstream {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(raw);
  const port = Number(match?.[3]);
  if (!match || port < 1 || port > 65535)
    throw new InitInputError(`--upstream '${raw}': expected HOST:PORT, e.g. 127.0.0.1:8000`);
  return { host: (match[1] ?? match[2]) as string, port };
}

export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || (isIP(host) === 4 && host.startsWith("127."));
}

/** The address gunicorn will see: the proxy's own, which is loopback when both run on one machine. */
export function resolveProxyAddress(upstream: Upstream, given: string | undefined): string {
  if (given !== undefined) {
    if (!isIP(given)) throw new InitInputError(`--proxy-address '${given}': expected an IP address`);
    return given;
  }
  if (isLoopback(upstream.host)) return upstream.host.includes(":") ? "::1" : "127.0.0.1";
  throw new InitInputError(
    `--upstream ${upstream.host} is another machine: give --proxy-address, the address gunicorn sees the proxy connect from`,
  );
}

export function upstreamAddress(upstream: Upstream): string {
  return upstream.host.includes(":")
    ? `[${upstream.host}]:${upstream.port}`
    : `${upstream.host}:${upstream.port}`;
}

/** SECURE_REDIRECT_EXEMPT wants an anchored regex without the leading slash. */
export function redirectExemptPattern(healthPath: string): string {
  return `^${healthPath.slice(1).replace(/[.]/g, "\\.")}$`;
}
