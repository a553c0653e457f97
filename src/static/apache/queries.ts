/**
 * What a virtual host does with a request, read from its directives: where it hands requests to the
 * app (mod_proxy or mod_wsgi in-process), which request headers it sets or removes (mod_headers),
 * whether plain HTTP is redirected (mod_alias, mod_rewrite), which response headers it adds, and
 * whose address mod_remoteip believes.
 */
import type { SourceLocation } from "../../report/model.js";
import { perConfig } from "../memo.js";
import { is, virtualHosts, type ApacheConfig, type ApacheDirective, type VirtualHost } from "./model.js";

/** How the app receives requests from a vhost. */
export type AppMount =
  | {
      kind: "proxy";
      /** The first ProxyPass / ProxyPassMatch to the app. */
      at: ApacheDirective;
      /** "http://127.0.0.1:8001/"; for a unix socket the URL part after "|"; for a balancer its first member. */
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

/**
 * Backends that reach the app: HTTP (over TCP or a unix socket), WebSocket, HTTP/2 cleartext, uWSGI,
 * and balancers of them. Not fcgi:// or ajp://, which serve PHP and Java apps.
 */
const APP_BACKEND = /^(unix:[^|]*\|)?(https?|wss?|h2c?|uwsgi|balancer):\/\//i;

/**
 * Sections that only decide whether their contents apply: <IfModule>, <IfDefine> … once at startup, <If>,
 * <ElseIf> and <Else> on each request. A directive in one keeps the context around it.
 */
const CONDITIONAL = /^(If|Else)/i;

/** Sections whose expression Apache tests on each request. */
const REQUEST_CONDITION = /^(If|ElseIf|Else)$/i;

/** The <Location>, <Directory> … a directive applies in, or undefined at server or vhost level. */
function contextOf(host: VirtualHost, directive: ApacheDirective): ApacheDirective | undefined {
  return host.sections
    .get(directive)
    ?.findLast((section) => !is(section, "VirtualHost") && !CONDITIONAL.test(section.name));
}

/** The <If>, <ElseIf> and <Else> sections around a directive, outermost first. */
const requestConditions = (host: VirtualHost, directive: ApacheDirective): ApacheDirective[] =>
  host.sections.get(directive)?.filter((section) => REQUEST_CONDITION.test(section.name)) ?? [];

/** "/app" for `ProxyPass /app http://…`, and for `ProxyPass http://…` in <Location /app> (its first argument omitted). */
function proxyPass(host: VirtualHost, d: ApacheDirective): { path: string; url: string } | undefined {
  if (!is(d, "ProxyPass") && !is(d, "ProxyPassMatch")) return undefined;
  const context = contextOf(host, d);
  const inLocation = context && /^Location(Match)?$/i.test(context.name);
  const [path = "/", url = ""] = inLocation ? [context.args[0], d.args[0]] : d.args;
  if (!APP_BACKEND.test(url)) return undefined;
  // A pattern (ProxyPassMatch, <LocationMatch>) counts as every path.
  const pattern = is(d, "ProxyPassMatch") || (inLocation && is(context, "LocationMatch"));
  return { path: pattern ? "/" : path, url: url.replace(/^unix:[^|]*\|/i, "") };
}

/** The first BalancerMember of a balancer://name, which is where its requests go; the URL itself when none is listed. */
function balancerMember(host: VirtualHost, url: string): string {
  const name = /^balancer:\/\/([^/]+)/i.exec(url)?.[1]?.toLowerCase();
  if (!name) return url;
  const inBalancer = (d: ApacheDirective) => {
    const section = host.sections.get(d)?.findLast((s) => is(s, "Proxy"));
    return /^balancer:\/\/([^/]+)/i.exec(section?.args[0] ?? "")?.[1]?.toLowerCase() === name;
  };
  const member = host.directives.find((d) => is(d, "BalancerMember") && inBalancer(d));
  return member?.args[0]?.replace(/^unix:[^|]*\|/i, "") ?? url;
}

function proxyMount(host: VirtualHost): AppMount | undefined {
  const passes = host.directives.flatMap((d) => {
    const pass = proxyPass(host, d);
    return pass ? [{ at: d, ...pass }] : [];
  });
  const first = passes[0];
  if (!first) return undefined;
  return {
    kind: "proxy",
    at: first.at,
    backend: balancerMember(host, first.url),
    paths: passes.map((pass) => pass.path),
  };
}

/**
 * mod_proxy_http (and its WebSocket and HTTP/2 kin) forwards the request, with ProxyPreserveHost and
 * X-Forwarded-*; mod_proxy_uwsgi, like mod_wsgi, hands over CGI variables built from the client's headers.
 */
export const speaksHttp = (mount: AppMount): mount is Extract<AppMount, { kind: "proxy" }> =>
  mount.kind === "proxy" && !/^uwsgi:/i.test(mount.backend);

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
function appMount(host: VirtualHost): AppMount | undefined {
  return proxyMount(host) ?? wsgiMount(host);
}

export interface AppHost {
  host: VirtualHost;
  mount: AppMount;
}

/** Every vhost that hands requests to the app. */
export const appHosts = perConfig((config: ApacheConfig): AppHost[] =>
  virtualHosts(config).flatMap((host) => {
    const mount = appMount(host);
    return mount ? [{ host, mount }] : [];
  }),
);

export interface HeaderAction {
  directive: ApacheDirective;
  /** set, unset, append, merge, add, setifempty, edit, edit*, echo — lower case. */
  action: string;
  value?: string;
  /** env=[!]VAR or expr=…: the action happens only when it holds. */
  condition?: string;
  /** Applied when the request is read, before every line without `early`. */
  early: boolean;
}

/**
 * `RequestHeader` / `Header` lines naming `header`, in the order Apache applies them: `early` lines
 * run when the request is read, before every other line, so they come first (in file order among
 * themselves). `always` (the table for every response) changes nothing about which value wins here.
 */
export function headerActions(host: VirtualHost, directive: string, header: string): HeaderAction[] {
  const actions = host.directives.flatMap((d): HeaderAction[] => {
    if (!is(d, directive)) return [];
    const args = /^(always|onsuccess)$/i.test(d.args[0] ?? "") ? d.args.slice(1) : d.args;
    const [action = "", name = "", ...rest] = args;
    if (name.toLowerCase() !== header.toLowerCase()) return [];
    // The value may itself be expr=…; a condition (early, env=, expr=) only follows the value(s).
    const valueCount = /^(unset|echo)$/i.test(action) ? 0 : /^edit\*?$/i.test(action) ? 2 : 1;
    const values = rest.slice(0, valueCount);
    const modifiers = rest.slice(valueCount);
    const condition = modifiers.find((a) => /^(env|expr)=/i.test(a));
    return [
      {
        directive: d,
        action: action.toLowerCase(),
        early: modifiers.some((a) => a.toLowerCase() === "early"),
        ...(values[0] !== undefined ? { value: values[0] } : {}),
        ...(condition ? { condition } : {}),
      },
    ];
  });
  return [...actions.filter((a) => a.early), ...actions.filter((a) => !a.early)];
}

/** Headers mod_proxy_http extends with its own entry after the client's (unless ProxyAddHeaders Off). */
const APPENDED_BY_MOD_PROXY = new Set(["x-forwarded-for", "x-forwarded-host", "x-forwarded-server"]);

/** A value built from a request header (%{X-Foo}i, %{HTTP:X-Foo}, %{HTTP_X_FOO}) is the client's. */
const FROM_REQUEST_HEADER = /%\{[^}]+\}i|%\{HTTP[:_][^}]+\}/i;

/** Who decides whether a condition (env=… or expr=…) holds. */
type ConditionPicker = "client" | "peer" | "other";

/** Parts of an ap_expr read from the client's request: its headers, URL, query and method. */
const CLIENT_EXPRESSION =
  /%\{(HTTP[:_]|QUERY_STRING|REQUEST_URI|THE_REQUEST|REQUEST_METHOD|REQUEST_FILENAME|PATH_INFO)|\b(req|http|req_novary)\s*\(/i;

function expressionPicker(expression: string): ConditionPicker {
  if (CLIENT_EXPRESSION.test(expression)) return "client";
  // -R is the test of the peer's address against a range ("-R '10.0.0.0/8'").
  if (/%\{REMOTE_ADDR\}/i.test(expression) || /(^|[\s!(])-R\s/.test(expression)) return "peer";
  return "other";
}

/** SetEnvIf attributes that are not the client's: the peer's address and name, and Apache's own. */
const SETENVIF_PEER = /^remote_(addr|host)$/i;
const SETENVIF_SERVER = /^server_addr$/i;

/** What decides one line that sets an environment variable, or undefined when the line does not set it. */
function setterPicker(directive: ApacheDirective, variable: string): ConditionPicker | undefined {
  const sets = (names: string[]) => names.some((arg) => arg.replace(/^!/, "").split("=")[0] === variable);
  if (is(directive, "SetEnvIf") || is(directive, "SetEnvIfNoCase")) {
    const [attribute = "", , ...names] = directive.args;
    if (!sets(names)) return undefined;
    // Any other attribute names a request header first (Request_URI, Request_Method and User-Agent too).
    return SETENVIF_PEER.test(attribute) ? "peer" : SETENVIF_SERVER.test(attribute) ? "other" : "client";
  }
  if (is(directive, "BrowserMatch") || is(directive, "BrowserMatchNoCase"))
    return sets(directive.args.slice(1)) ? "client" : undefined;
  if (is(directive, "SetEnvIfExpr"))
    return sets(directive.args.slice(1)) ? expressionPicker(directive.args[0] ?? "") : undefined;
  if (is(directive, "SetEnv")) return directive.args[0] === variable ? "other" : undefined;
  return undefined;
}

/**
 * Who decides a RequestHeader's condition: the client when any part of it reads the request (directly,
 * or through the SetEnvIf lines of its env= variable), the peer when it tests only the peer's address,
 * else neither (mod_ssl's HTTPS, a RewriteRule's E= flag).
 */
function conditionPicker(host: VirtualHost, condition: string): ConditionPicker {
  if (/^expr=/i.test(condition)) return expressionPicker(condition.replace(/^expr=/i, ""));
  const variable = condition.replace(/^env=!?/i, "");
  const pickers = host.directives.flatMap((d) => setterPicker(d, variable) ?? []);
  return pickers.includes("client") ? "client" : pickers.includes("peer") ? "peer" : "other";
}

/** What the app receives as one request header, and the line that decides it. */
export type RequestHeaderFate = { at: ApacheDirective } & (
  | { kind: "proxy"; /** Apache's own value, as written. */ value: string }
  | { kind: "removed" }
  | {
      kind: "client";
      /** How the client's copy gets through, for messages. */
      how: string;
      /** Set when the client's copy gets through only when a condition the client cannot pick is false. */
      onlyWhen?: string;
      /** The value Apache adds itself when the client sent no copy (add, append, merge, setifempty). */
      fallback?: string;
    }
);

/**
 * What becomes of a request header on its way to the app: the client's copy, passed through or kept
 * by an append; Apache's own value (RequestHeader set, or append after unset; mod_proxy_http's entry);
 * or nothing. mod_wsgi never sees header names with "_".
 */
export function requestHeaderFate({ host, mount }: AppHost, name: string): RequestHeaderFate {
  const proxied = mount.kind === "proxy";
  const overHttp = speaksHttp(mount);
  const addsOwn =
    overHttp &&
    APPENDED_BY_MOD_PROXY.has(name.toLowerCase()) &&
    host.directives.findLast((d) => is(d, "ProxyAddHeaders"))?.args[0]?.toLowerCase() !== "off";
  // Apache leaves header names with "_" out of the CGI variables mod_wsgi and mod_proxy_uwsgi build (a
  // client's X_Forwarded_Proto never reached Django on loopback); mod_proxy_http forwards them as they are.
  if (!overHttp && name.includes("_")) return { kind: "removed", at: mount.at };
  let fate: RequestHeaderFate = {
    kind: "client",
    how: addsOwn
      ? "kept first: mod_proxy_http appends its own entry after the client's"
      : proxied
        ? "passed through (mod_proxy forwards the request headers it does not set)"
        : "passed through (nothing between the client and mod_wsgi removes it)",
    at: mount.at,
  };
  for (const action of headerActions(host, "RequestHeader", name)) {
    const at = action.directive;
    const value = action.value ?? "";
    if (action.condition) {
      // A condition the client picks is false whenever it wants its copy through: no branch to name.
      if (fate.kind === "client" && conditionPicker(host, action.condition) !== "client") {
        // The fate's own words name the branch it holds for, as nginx's and HAProxy's do.
        const onlyWhen = `the condition of line ${at.line} (${action.condition}) is false`;
        fate = { ...fate, how: `${fate.how} when ${onlyWhen}`, onlyWhen, at };
      }
      continue;
    }
    if (action.action === "unset") {
      fate = { kind: "removed", at };
    } else if (action.action === "set" || (fate.kind !== "client" && action.action !== "edit")) {
      fate = FROM_REQUEST_HEADER.test(value)
        ? { kind: "client", how: `copied from a request header (${value})`, at }
        : { kind: "proxy", value, at };
    } else if (fate.kind === "client") {
      fate = {
        kind: "client",
        how: `kept: RequestHeader ${action.action} leaves the client's value in place`,
        ...(action.action !== "edit" ? { fallback: value } : {}),
        at,
      };
    }
  }
  if (addsOwn && fate.kind === "removed")
    return { kind: "proxy", value: "the peer, added by mod_proxy_http", at: fate.at };
  return fate;
}

const ADDS_VALUE = new Set(["set", "append", "add", "merge", "setifempty"]);

/**
 * Response headers the vhost sends, e.g. Strict-Transport-Security. `Header always` and `Header`
 * (onsuccess) fill separate tables, each run in order: an unset empties only its own table, a set replaces
 * what its table held. A conditional set may not happen, so it replaces nothing; a conditional unset may,
 * so it empties the table (saying "sent" on a guess is the worse mistake).
 */
export function responseHeaderValues(
  host: VirtualHost,
  header: string,
): (HeaderAction & { value: string })[] {
  const actions = headerActions(host, "Header", header);
  const tables = new Map<string, HeaderAction[]>();
  for (const action of actions) {
    const table = /^always$/i.test(action.directive.args[0] ?? "") ? "always" : "onsuccess";
    const held = tables.get(table) ?? [];
    if (action.action === "unset") tables.set(table, []);
    else if (ADDS_VALUE.has(action.action) && action.value)
      tables.set(table, action.action === "set" && !action.condition ? [action] : [...held, action]);
  }
  const sent = new Set([...tables.values()].flat());
  // Only actions with a value enter a table.
  return actions.filter((action): action is HeaderAction & { value: string } => sent.has(action));
}

export interface PlainRedirect {
  at: ApacheDirective;
  /** Paths the redirect leaves to the app ("!^/healthz$" exempts /healthz). */
  exempt: string[];
}

/** A pattern that matches every path, as people write them for "redirect everything". */
const EVERY_PATH = /^(\^?\/?\??\(?\.[*+]\)?\$?|\^\/?|\/)$/;

/** A path left out by a negated pattern ("!^/healthz$", "!^/\.well-known/"), unescaped. */
function negatedPath(pattern: string): string | undefined {
  return /^!\^?(\/(?:[\w/-]|\\\.)*)\$?$/.exec(pattern)?.[1]?.replace(/\\\./g, ".");
}

/** In a <Location>, <Directory> or <If>: mod_alias and mod_rewrite apply it per directory, at fixup. */
const perDirectory = (host: VirtualHost, d: ApacheDirective) =>
  contextOf(host, d) !== undefined || requestConditions(host, d).length > 0;

/**
 * Whether the section a redirect sits in meets every request the vhost hands the app: the vhost itself,
 * <Location "/">, a <LocationMatch> of every path, or a <Directory> holding mod_wsgi's script (the
 * DocumentRoot of a vhost without the app). A proxied request maps to no folder, so no <Directory> meets
 * it (no redirect on loopback); <Files>, <Proxy> … are not judged.
 */
function contextMeetsEveryRequest(host: VirtualHost, d: ApacheDirective): boolean {
  const context = contextOf(host, d);
  if (!context) return true;
  const [path = ""] = context.args;
  if (is(context, "Location")) return path === "/";
  if (is(context, "LocationMatch")) return EVERY_PATH.test(path);
  if (!is(context, "Directory")) return false;
  const mount = appMount(host);
  const file =
    mount?.kind === "wsgi"
      ? mount.at.args[1]
      : mount
        ? undefined
        : host.directives.findLast((directive) => is(directive, "DocumentRoot"))?.args[0];
  return file !== undefined && `${file}/`.startsWith(path.endsWith("/") ? path : `${path}/`);
}

/** A mod_alias Redirect of every path to https://…; in a <Location> or <If> its path may be left out. */
function aliasRedirect(host: VirtualHost, d: ApacheDirective): boolean {
  if (!is(d, "Redirect") && !is(d, "RedirectPermanent") && !is(d, "RedirectMatch")) return false;
  const args = is(d, "RedirectPermanent") ? ["301", ...d.args] : d.args;
  const target = args.at(-1) ?? "";
  const written = args.find((a) => a.startsWith("/"));
  const everything =
    written === undefined
      ? perDirectory(host, d)
      : is(d, "RedirectMatch")
        ? EVERY_PATH.test(written)
        : written === "/";
  return everything && /^https:\/\//i.test(target);
}

/** What a RewriteCond or <If> tests on a plain request to this vhost: each value an honest client's request may give. */
function plainValues(host: VirtualHost, variable: string): string[] | undefined {
  switch (variable.toUpperCase()) {
    case "HTTPS":
      return ["off"];
    case "REQUEST_SCHEME":
      return ["http"];
    case "SERVER_PORT":
      return host.section.args.map((a) => /:(\d+)$/.exec(a)?.[1] ?? "80");
    // UseCanonicalName Off (the default): the name in the request's Host, one of the vhost's.
    case "SERVER_NAME":
    case "HTTP_HOST":
    case "HTTP:HOST":
      return hostNames(host);
    // An honest client's plain request carries none when it reaches Apache itself, and "http" through a
    // load balancer that sets it. A client that forges "https" skips the redirect for itself only (a page
    // cannot make a browser send it); whether Django believes the header is the scheme rules' question.
    // An early RequestHeader changes it before mod_rewrite reads it.
    case "HTTP:X-FORWARDED-PROTO":
      return headerActions(host, "RequestHeader", "X-Forwarded-Proto").some((action) => action.early)
        ? undefined
        : ["", "http"];
    default:
      return undefined;
  }
}

/** `%{VAR} op 'text'`, `req('Header') op /regex/i`, `%{SERVER_PORT} -eq 80`: one ap_expr comparison. */
const COMPARISON =
  /^(?:%\{([\w:-]+)\}|(?:req|http|req_novary)\(\s*'([\w-]+)'\s*\))\s*(==|!=|=~|!~|-eq|-ne)\s*(?:'([^']*)'|\/((?:[^/\\]|\\.)*)\/(i?)|(\d+))$/i;

/**
 * Whether an <If> expression holds on plain requests to this vhost: true for every one, false for none,
 * undefined when it depends or cannot be told (only a single comparison is judged).
 */
function expressionOnPlain(host: VirtualHost, expression: string): boolean | undefined {
  const match = COMPARISON.exec(expression.trim());
  if (!match) return undefined;
  const [, variable, header, operator = "", text, regex, regexFlags, number] = match;
  const values = plainValues(host, variable ?? `HTTP:${header}`);
  if (!values || values.length === 0) return undefined;
  let test: (value: string) => boolean;
  if (regex !== undefined) {
    if (!operator.includes("~")) return undefined;
    let compiled: RegExp;
    try {
      compiled = new RegExp(regex, regexFlags);
    } catch {
      return undefined;
    }
    test = (value) => compiled.test(value) === (operator === "=~");
  } else if (/^-(eq|ne)$/i.test(operator)) {
    if (number === undefined) return undefined;
    test = (value) => (Number(value) === Number(number)) === (operator.toLowerCase() === "-eq");
  } else {
    if (text === undefined || operator.includes("~")) return undefined;
    test = (value) => (value === text) === (operator === "==");
  }
  const results = values.map(test);
  return results.every(Boolean) ? true : results.some(Boolean) ? undefined : false;
}

/**
 * Whether an <If>, <ElseIf> or <Else> lets every plain request through: its own expression holds for all,
 * and the sections before it in its chain for none.
 */
function sectionTakesEveryPlain(host: VirtualHost, section: ApacheDirective): boolean {
  // Siblings share one list of surrounding sections; the chain is the run of <If>/<ElseIf> just before.
  const around = host.sections.get(section);
  const siblings = host.directives.filter((d) => host.sections.get(d) === around);
  const earlier: ApacheDirective[] = [];
  if (!is(section, "If")) {
    for (const sibling of siblings.slice(0, siblings.indexOf(section)).reverse()) {
      if (!is(sibling, "If") && !is(sibling, "ElseIf")) return false;
      earlier.push(sibling);
      if (is(sibling, "If")) break;
    }
  }
  const expression = (s: ApacheDirective) => (s.args.length === 1 ? (s.args[0] as string) : "");
  return (
    earlier.every((s) => expressionOnPlain(host, expression(s)) === false) &&
    (is(section, "Else") || expressionOnPlain(host, expression(section)) === true)
  );
}

/** Whether one RewriteCond holds for every plain request to this vhost (false when that cannot be told). */
function alwaysHolds(host: VirtualHost, cond: ApacheDirective): boolean {
  const [test = "", written = "", flags = ""] = cond.args;
  const values = plainValues(host, /^%\{([\w:-]+)\}$/.exec(test)?.[1] ?? "");
  if (!values || values.length === 0) return false;
  const negated = written.startsWith("!");
  const pattern = written.replace(/^!/, "");
  const noCase = /\bNC\b|nocase/i.test(flags);
  let matches: (value: string) => boolean;
  if (pattern.startsWith("=")) {
    const expected = pattern.slice(1);
    matches = (value) => (noCase ? value.toLowerCase() === expected.toLowerCase() : value === expected);
  } else {
    // Other tests (-f, <, >=…) cannot be judged here.
    if (/^(-|<|>)/.test(pattern)) return false;
    let regex: RegExp;
    try {
      regex = new RegExp(pattern, noCase ? "i" : "");
    } catch {
      return false;
    }
    matches = (value) => regex.test(value);
  }
  return values.every((value) => matches(value) !== negated);
}

/**
 * Whether a rule's RewriteConds let every plain request through, and the paths a negated
 * %{REQUEST_URI} condition leaves out; undefined when a condition may skip the rule (a host, a header).
 */
function conditionsPass(host: VirtualHost, conds: ApacheDirective[]): { exempt: string[] } | undefined {
  const exempt: string[] = [];
  // [OR] joins a condition to the next: each run must have one that always holds.
  let run: ApacheDirective[] = [];
  for (const cond of conds) {
    run.push(cond);
    if (/\bOR\b|ornext/i.test(cond.args[2] ?? "")) continue;
    const [only] = run;
    const left =
      run.length === 1 && /^%\{REQUEST_URI\}$/i.test(only!.args[0] ?? "") && negatedPath(only!.args[1] ?? "");
    if (left) exempt.push(left);
    else if (!run.some((c) => alwaysHolds(host, c))) return undefined;
    run = [];
  }
  return run.length > 0 ? undefined : { exempt };
}

/** A RewriteRule to https://… with [R] that every plain request meets, and the paths it leaves out. */
function rewriteRedirect(
  host: VirtualHost,
  rule: ApacheDirective,
  conds: ApacheDirective[],
): PlainRedirect | undefined {
  const [pattern = "", target = "", flags = ""] = rule.args;
  if (!/^https:\/\//i.test(target) || !/\bR\b|\bR=|redirect/i.test(flags)) return undefined;
  const passed = conditionsPass(host, conds);
  if (!passed) return undefined;
  if (perDirectory(host, rule)) {
    // Per directory the pattern meets the path without its leading slash, so "^/" never matches (as the
    // mod_rewrite docs say, and loopback showed): "!^/healthz$" redirects /healthz too.
    const slash = /^!?\^\/(?!\?)/.test(pattern);
    const everything = pattern.startsWith("!") ? slash : !slash && EVERY_PATH.test(pattern);
    return everything ? { at: rule, exempt: passed.exempt } : undefined;
  }
  const negated = negatedPath(pattern);
  if (negated) return { at: rule, exempt: [negated, ...passed.exempt] };
  return EVERY_PATH.test(pattern) ? { at: rule, exempt: passed.exempt } : undefined;
}

/**
 * The RewriteRules mod_rewrite runs for the vhost, each with its RewriteConds: its own where the last
 * RewriteEngine of their context says on (the server's RewriteEngine is inherited), and the server's
 * only under RewriteOptions Inherit (or InheritDown at server level).
 */
function rewriteRules(host: VirtualHost): { rule: ApacheDirective; conds: ApacheDirective[] }[] {
  const own = (d: ApacheDirective) => host.sections.get(d)?.[0] === host.section;
  const options = host.directives.filter((d) => is(d, "RewriteOptions"));
  const inherits = options.some((d) =>
    d.args.some((a) => (own(d) ? /^Inherit(Before)?$/i : /^InheritDown(Before)?$/i).test(a)),
  );
  // The last RewriteEngine of each context, read once; at vhost level the vhost's own line wins over the server's.
  const lastEngine = new Map<ApacheDirective | undefined, ApacheDirective>();
  const lastOwnEngine = new Map<ApacheDirective | undefined, ApacheDirective>();
  for (const d of host.directives) {
    if (!is(d, "RewriteEngine")) continue;
    lastEngine.set(contextOf(host, d), d);
    if (own(d)) lastOwnEngine.set(contextOf(host, d), d);
  }
  const engineIn = (context: ApacheDirective | undefined) =>
    lastOwnEngine.get(context) ?? lastEngine.get(context);
  // A <Location>, <Directory> … without a RewriteEngine of its own takes the vhost's (2.4, on loopback).
  const engineOn = (context: ApacheDirective | undefined) =>
    (engineIn(context) ?? engineIn(undefined))?.args[0]?.toLowerCase() === "on";
  const rules: { rule: ApacheDirective; conds: ApacheDirective[] }[] = [];
  let conds: ApacheDirective[] = [];
  for (const d of host.directives) {
    if (is(d, "RewriteCond")) conds.push(d);
    if (!is(d, "RewriteRule")) continue;
    if ((own(d) || inherits) && engineOn(contextOf(host, d))) rules.push({ rule: d, conds });
    conds = [];
  }
  return rules;
}

/**
 * `Redirect [permanent|301…] / https://…` or a RewriteRule to https://… with [R] that runs: plain HTTP
 * goes to HTTPS. A negated rule ("!^/healthz$") redirects everything but the one path. mod_proxy maps a
 * ProxyPass path before mod_alias reads a vhost's Redirect (a proxied request was not redirected on
 * loopback), so beside a ProxyPass only a Redirect in a <Location> or an <If> (applied later, at fixup)
 * counts; mod_rewrite runs before mod_proxy, mod_alias before mod_wsgi. Inside <If>, <ElseIf> or <Else>
 * a redirect counts only when the section takes every plain request (`<If "%{HTTPS} != 'on'">`). Found
 * once per vhost: the rules and the contract's view each ask.
 */
export const redirectsToHttps = perConfig((host: VirtualHost): PlainRedirect | undefined => {
  const proxied = proxyMount(host) !== undefined;
  const everyPlain = (d: ApacheDirective) =>
    requestConditions(host, d).every((section) => sectionTakesEveryPlain(host, section));
  const meetsEvery = (d: ApacheDirective) => everyPlain(d) && contextMeetsEveryRequest(host, d);
  // A per-directory Redirect is applied at fixup, after mod_proxy's mapping.
  const alias = host.directives.find(
    (d) => aliasRedirect(host, d) && meetsEvery(d) && (!proxied || perDirectory(host, d)),
  );
  if (alias) return { at: alias, exempt: [] };
  for (const { rule, conds } of rewriteRules(host)) {
    const redirect = meetsEvery(rule) ? rewriteRedirect(host, rule, conds) : undefined;
    if (redirect) return redirect;
  }
  return undefined;
});

/** The vhost's names: ServerName and every ServerAlias. */
export function hostNames(host: VirtualHost): string[] {
  const own = host.section.children ?? [];
  return own
    .filter((d) => is(d, "ServerName") || is(d, "ServerAlias"))
    .flatMap((d) => d.args.map((name) => name.replace(/^[a-z]+:\/\//i, "").replace(/:\d+$/, "")));
}

/** The first vhost of each address:port is Apache's default for names no vhost lists. */
export const defaultHosts = perConfig((config: ApacheConfig): Set<VirtualHost> => {
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
});

/** "<VirtualHost *:443> (shop.example.com)", for messages. */
export function describeHost(host: VirtualHost): string {
  const name = host.directives.findLast((d) => is(d, "ServerName"))?.args[0];
  return `<VirtualHost ${host.section.args.join(" ")}>${name ? ` (${name})` : ""}`;
}

/** Where a directive is written, for findings. */
export function at(directive: ApacheDirective): SourceLocation {
  return { file: directive.file, line: directive.line };
}
