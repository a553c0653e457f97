/**
 * The contract's view of an Apache configuration: one route per virtual host that hands requests to
 * the app, through mod_proxy or in-process through mod_wsgi. Request headers reach the app as the
 * client sent them unless a RequestHeader line changes them; mod_proxy_http appends the peer to
 * X-Forwarded-For and the Host to X-Forwarded-Host (after the client's copies, which it keeps); under
 * mod_wsgi the scheme is Apache's own connection's (wsgi.url_scheme), checked on loopback.
 */
import { is, virtualHosts, type ApacheConfig, type VirtualHost } from "../apache/model.js";
import {
  appHosts,
  defaultHosts,
  hostNames,
  redirectsToHttps,
  requestHeaderFate,
  responseHeaderValues,
  speaksHttp,
  type AppHost,
  at,
  describeHost,
} from "../apache/queries.js";
import { hostOfAddress } from "../gunicorn/addresses.js";
import type { AppRoute, HeaderFate, ProxyView, Traffic } from "./proxy-view.js";

function schemeOf(value: string, traffic: Traffic): "https" | "http" | undefined {
  if (/^https?$/i.test(value)) return value.toLowerCase() as "https" | "http";
  if (/%\{REQUEST_SCHEME\}/i.test(value)) return traffic === "tls" ? "https" : "http";
  return undefined;
}

/** Apache's fate of a request header in the contract's terms: the scheme it names on this traffic. */
function headerFate(app: AppHost, name: string, traffic: Traffic): HeaderFate {
  const fate = requestHeaderFate(app, name);
  const where = at(fate.at);
  if (fate.kind === "removed") return { kind: "removed", at: where };
  if (fate.kind === "proxy") {
    const scheme = schemeOf(fate.value, traffic);
    return { kind: "proxy", value: fate.value, ...(scheme ? { scheme } : {}), at: where };
  }
  const fallbackScheme = fate.fallback === undefined ? undefined : schemeOf(fate.fallback, traffic);
  return {
    kind: "client",
    how: fate.how,
    ...(fate.onlyWhen ? { onlyWhen: fate.onlyWhen } : {}),
    ...(fallbackScheme ? { fallbackScheme } : {}),
    at: where,
  };
}

function hostRewrite({ host, mount }: AppHost): AppRoute["hostRewrite"] {
  if (!speaksHttp(mount)) return undefined;
  const preserve = host.directives.findLast((d) => is(d, "ProxyPreserveHost"));
  if (preserve?.args[0]?.toLowerCase() === "on") return undefined;
  const backendHost = hostOfAddress(mount.backend);
  return {
    value: `${backendHost} (ProxyPreserveHost Off)`,
    host: backendHost,
    at: at(preserve ?? mount.at),
  };
}

/** The plain-HTTP paths that reach the app: past the redirect's exemptions, within the mounted paths. */
function plainPaths(host: VirtualHost, mounted: string[]): "all" | string[] {
  const redirect = redirectsToHttps(host);
  if (redirect) return redirect.exempt;
  return mounted.includes("/") ? "all" : mounted;
}

function toRoute(app: AppHost, catchAll: boolean): AppRoute {
  const { host, mount } = app;
  const paths = host.tls ? [] : plainPaths(host, mount.paths);
  const rewrite = hostRewrite(app);
  return {
    proxy: "apache",
    label: `${describeHost(host)}${mount.kind === "wsgi" ? " (mod_wsgi)" : ""}`,
    site: describeHost(host),
    at: at(mount.at),
    traffic: host.tls ? ["tls"] : paths.length > 0 ? ["plain"] : [],
    plainPaths: paths,
    hosts: hostNames(host),
    catchAll,
    header: (name, traffic) => headerFate(app, name, traffic),
    ...(rewrite ? { hostRewrite: rewrite } : {}),
    ...(mount.kind === "wsgi" ? { schemeFromConnection: true } : {}),
    sendsHsts: responseHeaderValues(host, "Strict-Transport-Security").length > 0,
  };
}

/** Plain-HTTP vhosts that send every request to https. */
function plainRedirects(config: ApacheConfig): ProxyView["plainRedirects"] {
  return virtualHosts(config).flatMap((host) => {
    const redirect = host.tls ? undefined : redirectsToHttps(host);
    return redirect && redirect.exempt.length === 0 ? [at(redirect.at)] : [];
  });
}

/** Each virtual host's way to the app, with its route. */
export function apacheRoutes(config: ApacheConfig): { app: AppHost; route: AppRoute }[] {
  const defaults = defaultHosts(config);
  return appHosts(config).map((app) => ({ app, route: toRoute(app, defaults.has(app.host)) }));
}

export function apacheView(config: ApacheConfig): ProxyView {
  return {
    proxy: "apache",
    routes: apacheRoutes(config).map(({ route }) => route),
    plainRedirects: plainRedirects(config),
  };
}
