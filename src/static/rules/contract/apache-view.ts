/**
 * The contract's view of an Apache configuration: one route per virtual host that hands requests to
 * the app, through mod_proxy or in-process through mod_wsgi. Request headers reach the app as the
 * client sent them unless a RequestHeader line changes them; mod_proxy_http appends the peer to
 * X-Forwarded-For and the Host to X-Forwarded-Host (after the client's copies, which it keeps); under
 * mod_wsgi the scheme is Apache's own connection's (wsgi.url_scheme), checked on loopback.
 */
import { is, virtualHosts, type ApacheConfig, type VirtualHost } from "../../apache/model.js";
import {
  appHosts,
  defaultHosts,
  headerActions,
  hostNames,
  redirectsToHttps,
  responseHeaderValues,
  type AppHost,
} from "../../apache/queries.js";
import { hostOfAddress } from "../../gunicorn/addresses.js";
import { describeHost } from "../apache/shared.js";
import type { AppRoute, HeaderFate, ProxyView, Traffic } from "./proxy-view.js";

const locate = (d: { file: string; line: number }) => ({ file: d.file, line: d.line });

/** Headers mod_proxy_http extends with its own entry after the client's (unless ProxyAddHeaders Off). */
const APPENDED_BY_MOD_PROXY = new Set(["x-forwarded-for", "x-forwarded-host", "x-forwarded-server"]);

function schemeOf(value: string, traffic: Traffic): "https" | "http" | undefined {
  if (/^https?$/i.test(value)) return value.toLowerCase() as "https" | "http";
  if (/%\{REQUEST_SCHEME\}/i.test(value)) return traffic === "tls" ? "https" : "http";
  return undefined;
}

/** A value built from a request header (%{X-Foo}i, %{HTTP:X-Foo}, %{HTTP_X_FOO}) is the client's. */
const FROM_REQUEST_HEADER = /%\{[^}]+\}i|%\{HTTP[:_][^}]+\}/i;

function headerFate({ host, mount }: AppHost, name: string, traffic: Traffic): HeaderFate {
  const proxied = mount.kind === "proxy";
  const addsOwn =
    proxied &&
    APPENDED_BY_MOD_PROXY.has(name.toLowerCase()) &&
    host.directives.findLast((d) => is(d, "ProxyAddHeaders"))?.args[0]?.toLowerCase() !== "off";
  // Apache leaves header names with "_" out of the CGI variables mod_wsgi builds (a client's
  // X_Forwarded_Proto never reached Django on loopback); mod_proxy forwards them as they are.
  if (!proxied && name.includes("_")) return { kind: "removed", at: locate(mount.at) };
  let fate: HeaderFate = {
    kind: "client",
    how: addsOwn
      ? "kept first: mod_proxy_http appends its own entry after the client's"
      : proxied
        ? "passed through (mod_proxy forwards the request headers it does not set)"
        : "passed through (nothing between the client and mod_wsgi removes it)",
    at: locate(mount.at),
  };
  for (const action of headerActions(host, "RequestHeader", name)) {
    const at = locate(action.directive);
    const value = action.value ?? "";
    if (action.condition) {
      if (fate.kind === "client") {
        // The fate's own words name the branch it holds for, as nginx's and HAProxy's do.
        const onlyWhen = `the condition of line ${at.line} (${action.condition}) is false`;
        fate = { ...fate, how: `${fate.how} when ${onlyWhen}`, onlyWhen, at };
      }
      continue;
    }
    if (action.action === "unset") {
      fate = { kind: "removed", at };
    } else if (action.action === "set" || (fate.kind !== "client" && action.action !== "edit")) {
      const scheme = schemeOf(value, traffic);
      fate = FROM_REQUEST_HEADER.test(value)
        ? { kind: "client", how: `copied from a request header (${value})`, at }
        : { kind: "proxy", value, ...(scheme ? { scheme } : {}), at };
    } else if (fate.kind === "client") {
      const fallback = schemeOf(value, traffic);
      fate = {
        kind: "client",
        how: `kept: RequestHeader ${action.action} leaves the client's value in place`,
        ...(fallback && action.action !== "edit" ? { fallbackScheme: fallback } : {}),
        at,
      };
    }
  }
  if (addsOwn && fate.kind === "removed")
    return { kind: "proxy", value: "the peer, added by mod_proxy_http", at: fate.at };
  return fate;
}

function hostRewrite({ host, mount }: AppHost): AppRoute["hostRewrite"] {
  if (mount.kind !== "proxy") return undefined;
  const preserve = host.directives.findLast((d) => is(d, "ProxyPreserveHost"));
  if (preserve?.args[0]?.toLowerCase() === "on") return undefined;
  const backendHost = hostOfAddress(mount.backend);
  return {
    value: `${backendHost} (ProxyPreserveHost Off)`,
    host: backendHost,
    at: locate(preserve ?? mount.at),
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
    at: locate(mount.at),
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
function plainRedirects(config: ApacheConfig): { file: string; line: number }[] {
  return virtualHosts(config).flatMap((host) => {
    const redirect = host.tls ? undefined : redirectsToHttps(host);
    return redirect && redirect.exempt.length === 0 ? [locate(redirect.at)] : [];
  });
}

export function apacheView(config: ApacheConfig): ProxyView {
  const defaults = defaultHosts(config);
  return {
    proxy: "apache",
    routes: appHosts(config).map((app) => toRoute(app, defaults.has(app.host))),
    plainRedirects: plainRedirects(config),
  };
}
