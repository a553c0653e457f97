/**
 * What a virtual host does with a request, read from its directives: where it hands requests to the
 * app (mod_proxy or mod_wsgi in-process), which request headers it sets or removes (mod_headers),
 * whether plain HTTP is redirected (mod_alias, mod_rewrite), which response headers it adds, and
 * whose address mod_remoteip believes.
 */
import { is, virtualHosts, type ApacheConfig, type ApacheDirective, type VirtualHost } from "./model.js";

/** How the app receives requests from a vhost. */
export type AppMount =
  | {
      kind: "proxy";
      /** The first ProxyPass / ProxyPassMatch to an HTTP backend. */
      at: ApacheDirective;
      /** "http://127.0.0.1:8001/"; for a unix socket the URL part after "|". */
      backend: string;
      /** The paths handed over: "/" for all. */
      paths: string[];
    }
  | {
      kind: "wsgi";
      /** WSGIScriptAlias (or WSGIScriptAliasMatch): Django runs inside Apache. */
      at: ApacheDirective;
      paths: string[];
      /** The WSGIDaemonProcess group the vhost runs in, or undefined for embedded mode. */
      daemon?: ApacheDirective;
    };

const HTTP_BACKEND = /^(unix:[^|]*\|)?https?:\/\//i;

function proxyMount(host: VirtualHost): AppMount | undefined {
  const passes = host.directives.filter(
    (d) => (is(d, "ProxyPass") || is(d, "ProxyPassMatch")) && HTTP_BACKEND.test(d.args[1] ?? ""),
  );
  const first = passes[0];
  if (!first) return undefined;
  return {
    kind: "proxy",
    at: first,
    backend: (first.args[1] ?? "").replace(/^unix:[^|]*\|/i, ""),
    paths: passes.map((d) => (is(d, "ProxyPassMatch") ? "/" : (d.args[0] ?? "/"))),
  };
}

function wsgiMount(host: VirtualHost): AppMount | undefined {
  const aliases = host.directives.filter((d) => is(d, "WSGIScriptAlias") || is(d, "WSGIScriptAliasMatch"));
  const first = aliases[0];
  if (!first) return undefined;
  // process-group= on the alias wins over WSGIProcessGroup.
  const named = first.args.find((a) => /^process-group=/i.test(a))?.replace(/^process-group=/i, "");
  const group = named ?? host.directives.findLast((d) => is(d, "WSGIProcessGroup"))?.args[0];
  const daemon = group
    ? host.directives.find((d) => is(d, "WSGIDaemonProcess") && d.args[0] === group)
    : undefined;
  return {
    kind: "wsgi",
    at: first,
    paths: aliases.map((d) => (is(d, "WSGIScriptAliasMatch") ? "/" : (d.args[0] ?? "/"))),
    ...(daemon ? { daemon } : {}),
  };
}

/** Where the vhost hands requests to the app: mod_proxy first, as Apache runs it before mod_wsgi's alias. */
export function appMount(host: VirtualHost): AppMount | undefined {
  return proxyMount(host) ?? wsgiMount(host);
}

export interface AppHost {
  host: VirtualHost;
  mount: AppMount;
}

/** Every vhost that hands requests to the app. */
export function appHosts(config: ApacheConfig): AppHost[] {
  return virtualHosts(config).flatMap((host) => {
    const mount = appMount(host);
    return mount ? [{ host, mount }] : [];
  });
}

export interface HeaderAction {
  directive: ApacheDirective;
  /** set, unset, append, merge, add, setifempty, edit, edit*, echo — lower case. */
  action: string;
  header: string;
  value?: string;
  /** env=[!]VAR or expr=…: the action happens only when it holds. */
  condition?: string;
}

/**
 * `RequestHeader` / `Header` lines naming `header`, in the order Apache applies them. `early` (applied
 * before the vhost's other rules) and `always` (the table for every response) change nothing about
 * which value wins here.
 */
export function headerActions(host: VirtualHost, directive: string, header: string): HeaderAction[] {
  return host.directives.flatMap((d): HeaderAction[] => {
    if (!is(d, directive)) return [];
    const args = /^(always|onsuccess)$/i.test(d.args[0] ?? "") ? d.args.slice(1) : d.args;
    const [action = "", name = "", ...rest] = args;
    if (name.toLowerCase() !== header.toLowerCase()) return [];
    // The value may itself be expr=…; a condition (early, env=, expr=) only follows the value(s).
    const valueCount = /^(unset|echo)$/i.test(action) ? 0 : /^edit\*?$/i.test(action) ? 2 : 1;
    const values = rest.slice(0, valueCount);
    const condition = rest.slice(valueCount).find((a) => /^(env|expr)=/i.test(a));
    return [
      {
        directive: d,
        action: action.toLowerCase(),
        header: name,
        ...(values[0] !== undefined ? { value: values[0] } : {}),
        ...(condition ? { condition } : {}),
      },
    ];
  });
}

/** Response headers the vhost adds (not unset last), e.g. Strict-Transport-Security. */
export function responseHeaderValues(host: VirtualHost, header: string): HeaderAction[] {
  const actions = headerActions(host, "Header", header);
  const lastUnset = actions.findLastIndex((a) => a.action === "unset");
  // An unset only clears what came before it in the same table; "always set" after it still sends one.
  return actions
    .slice(lastUnset + 1)
    .concat(
      actions
        .slice(0, lastUnset + 1)
        .filter((a) => /^always$/i.test(a.directive.args[0] ?? "") && a.action !== "unset"),
    )
    .filter((a) => ["set", "append", "add", "merge", "setifempty"].includes(a.action) && a.value);
}

export interface PlainRedirect {
  at: ApacheDirective;
  /** Paths the redirect leaves to the app ("!^/healthz$" exempts /healthz). */
  exempt: string[];
}

/** A pattern that matches every path, as people write them for "redirect everything". */
const EVERY_PATH = /^(\^?\/?\??\(?\.[*+]\)?\$?|\^\/?|\^?\/?\(\.\*\)\$?|\/)$/;

/**
 * `Redirect [permanent|301…] / https://…` or a RewriteRule to https://… with [R]: plain HTTP goes to
 * HTTPS. A negated rule ("!^/healthz$") redirects everything but the one path.
 */
export function redirectsToHttps(host: VirtualHost): PlainRedirect | undefined {
  for (const d of host.directives) {
    if (is(d, "Redirect") || is(d, "RedirectPermanent") || is(d, "RedirectMatch")) {
      const args = is(d, "RedirectPermanent") ? ["301", ...d.args] : d.args;
      const [path = "", target = ""] = /^\//.test(args[0] ?? "") ? args : args.slice(1);
      const everything = is(d, "RedirectMatch") ? EVERY_PATH.test(path) : path === "/";
      if (everything && /^https:\/\//i.test(target)) return { at: d, exempt: [] };
    }
    if (is(d, "RewriteRule")) {
      const [pattern = "", target = "", flags = ""] = d.args;
      if (!/^https:\/\//i.test(target) || !/\bR\b|\bR=|redirect/i.test(flags)) continue;
      const negated = /^!\^?(\/[\w./-]*)\$?$/.exec(pattern);
      if (negated) return { at: d, exempt: [negated[1] as string] };
      if (EVERY_PATH.test(pattern)) return { at: d, exempt: [] };
    }
  }
  return undefined;
}

/** The vhost's names: ServerName and every ServerAlias. */
export function hostNames(host: VirtualHost): string[] {
  const own = host.section.children ?? [];
  return own
    .filter((d) => is(d, "ServerName") || is(d, "ServerAlias"))
    .flatMap((d) => d.args.map((name) => name.replace(/^[a-z]+:\/\//i, "").replace(/:\d+$/, "")));
}

/** The first vhost of each address:port is Apache's default for names no vhost lists. */
export function defaultHosts(config: ApacheConfig): Set<VirtualHost> {
  const seen = new Set<string>();
  const defaults = new Set<VirtualHost>();
  for (const host of virtualHosts(config)) {
    for (const address of host.section.args) {
      const key = address.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      defaults.add(host);
    }
  }
  return defaults;
}
