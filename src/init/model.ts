/** What `proxytrust init` is asked for, validated: the generators read only this. */
import { isIP } from "node:net";
import type { AppServerKind } from "../clauses.js";

export const INIT_PROXIES = ["nginx", "caddy", "haproxy", "apache", "traefik"] as const;
export type InitProxy = (typeof INIT_PROXIES)[number];

export const APP_SERVER_TITLES: Record<AppServerKind, string> = {
  gunicorn: "gunicorn",
  uvicorn: "uvicorn",
  daphne: "daphne",
  uwsgi: "uWSGI",
  waitress: "waitress",
  mod_wsgi: "Apache mod_wsgi",
};

/** Where the Django project lives on the server. */
export interface DjangoApp {
  /** The directory holding manage.py (the app server's working directory). */
  dir: string;
  /** The project package holding wsgi.py and asgi.py. */
  package: string;
}

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

interface SiteRequest {
  proxy: InitProxy;
  /** The first is the canonical name. */
  domains: string[];
  healthPath: string;
  behind?: OuterTier;
  app: DjangoApp;
  listening: Listening;
}

/** Django in an app server that the proxy reaches over the network. */
export interface ProxiedRequest extends SiteRequest {
  appServer: Exclude<AppServerKind, "mod_wsgi">;
  /** Where the app server listens. */
  upstream: Upstream;
  /** The address the app server sees the proxy connect from (the one peer it trusts). */
  proxyAddress: string;
}

/** Django inside Apache's own processes (mod_wsgi): there is no upstream and no peer to trust. */
export interface InProcessRequest extends SiteRequest {
  proxy: "apache";
  appServer: "mod_wsgi";
}

export type InitRequest = ProxiedRequest | InProcessRequest;

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
  // Exempting it from the HTTPS redirect would serve the home page over plain HTTP.
  if (raw === "/")
    throw new InitInputError(
      `--health-path '/': the site's root cannot stay on plain HTTP; use a path of its own such as /healthz`,
    );
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

/** The address the app server will see: the proxy's own, which is loopback when both run on one machine. */
export function resolveProxyAddress(upstream: Upstream, given: string | undefined): string {
  if (given !== undefined) {
    if (!isIP(given)) throw new InitInputError(`--proxy-address '${given}': expected an IP address`);
    return given;
  }
  if (isLoopback(upstream.host)) return upstream.host.includes(":") ? "::1" : "127.0.0.1";
  throw new InitInputError(
    `--upstream ${upstream.host} is another machine: give --proxy-address, the address the app server sees the proxy connect from`,
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

export function parseAppDir(raw: string): string {
  if (!/^\/[A-Za-z0-9._~\-/]*$/.test(raw))
    throw new InitInputError(`--app-dir '${raw}': expected an absolute path such as /srv/app`);
  return raw.length > 1 ? raw.replace(/\/+$/, "") : raw;
}

export function parsePackage(raw: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(raw))
    throw new InitInputError(`--project '${raw}': expected a Python package name such as mysite`);
  return raw;
}

/** nginx talks uWSGI's own protocol (uwsgi_pass); other proxies talk HTTP to its http-socket. */
export function speaksUwsgiProtocol(request: Pick<InitRequest, "proxy" | "appServer">): boolean {
  return request.appServer === "uwsgi" && request.proxy === "nginx";
}

/** Servers that believe forwarding headers from every peer: only the proxy may be able to connect. */
const TRUSTS_EVERY_PEER: readonly AppServerKind[] = ["daphne", "uwsgi"];

/** A combination that cannot be made safe, refused with the reason. */
export function checkAppServer(appServer: ProxiedRequest["appServer"], upstream: Upstream): void {
  if (TRUSTS_EVERY_PEER.includes(appServer) && !isLoopback(upstream.host))
    throw new InitInputError(
      `--app-server ${appServer} believes forwarding headers from every peer: give a loopback --upstream (such as 127.0.0.1:8000) so only the proxy can connect`,
    );
}
