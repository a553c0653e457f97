/**
 * Where nginx hands requests to an application server, and which request headers the
 * application then receives. nginx's defaults matter as much as what is written: without a
 * proxy_set_header for it, a header the client sent reaches the application unchanged (only
 * Host is replaced, by $proxy_host); uwsgi/fastcgi/scgi pass every client header as HTTP_*
 * and ignore proxy_set_header entirely.
 */
import type { NginxConfig, NginxDirective } from "./model.js";
import { perConfig } from "../memo.js";
import { variableIndex } from "./variables.js";
import { socketPathOf, withoutScheme } from "../gunicorn/addresses.js";
import { serverBlocks, type ServerBlock } from "./servers.js";
import {
  inheritedLevel,
  inheritedList,
  inheritedValue,
  innerScopes,
  unreadIncludeInScope,
  forEachNamed,
  type Scope,
} from "./scope.js";

export type UpstreamModule = "proxy" | "uwsgi" | "fastcgi" | "scgi";

interface ModuleShape {
  pass: string;
  /** Directive that sets request headers (proxy_set_header) or CGI params (uwsgi_param). */
  setter: string;
  style: "header" | "param";
  requestHeadersSwitch: string;
}

const MODULES: Record<UpstreamModule, ModuleShape> = {
  proxy: {
    pass: "proxy_pass",
    setter: "proxy_set_header",
    style: "header",
    requestHeadersSwitch: "proxy_pass_request_headers",
  },
  uwsgi: {
    pass: "uwsgi_pass",
    setter: "uwsgi_param",
    style: "param",
    requestHeadersSwitch: "uwsgi_pass_request_headers",
  },
  fastcgi: {
    pass: "fastcgi_pass",
    setter: "fastcgi_param",
    style: "param",
    requestHeadersSwitch: "fastcgi_pass_request_headers",
  },
  scgi: {
    pass: "scgi_pass",
    setter: "scgi_param",
    style: "param",
    requestHeadersSwitch: "scgi_pass_request_headers",
  },
};

const MODULE_NAMES = Object.keys(MODULES) as UpstreamModule[];

export interface PassInfo {
  module: UpstreamModule;
  /** The pass directive; absent when inferred from an unreadable include. */
  directive: NginxDirective | undefined;
  /** Normalised upstream, e.g. "127.0.0.1:8001", "django", "unix:/run/app.sock". */
  upstream: string;
}

export interface AppRoute {
  server: ServerBlock;
  /** Scope of the block holding the pass directive (a location, an if, a limit_except). */
  scope: Scope;
  /** The innermost location's arguments, e.g. "/" or "~ ^/api"; "" outside any location. */
  location: string;
  pass: PassInfo;
  /**
   * False for side backends: a location that sends a path such as /static/ to another upstream
   * than the one the server's `location /` uses. Rules about the app skip those. This is the guess
   * from nginx alone; an audit that knows where the app server listens goes by that instead.
   */
  appBound: boolean;
  /** An include in scope could not be read, so header settings may be incomplete. */
  unreadInclude: NginxDirective | undefined;
  file: string;
  line: number;
}

export type ForwardedHeader =
  | { source: "set"; value: string; directive: NginxDirective }
  | { source: "removed"; directive: NginxDirective | undefined }
  | {
      source: "client";
      /** A proxy_set_header for this header that has no effect because the location uses uwsgi_pass etc. */
      ignored: NginxDirective | undefined;
    }
  | { source: "default"; value: string };

function normaliseUpstream(target: string): string {
  const rest = withoutScheme(target);
  const socket = socketPathOf(rest);
  return socket !== undefined ? `unix:${socket}` : rest.replace(/\/.*$/, "");
}

/** Each pass directive's module, as its place in MODULE_NAMES. */
const RANK_BY_PASS = new Map(MODULE_NAMES.map((module, rank) => [MODULES[module].pass, rank]));

/** The block's first pass line of the first module in MODULE_NAMES order that has one, in one pass. */
function passIn(block: NginxDirective[]): PassInfo | undefined {
  let best: NginxDirective | undefined;
  let bestRank = MODULE_NAMES.length;
  for (const child of block) {
    const rank = RANK_BY_PASS.get(child.name);
    if (rank !== undefined && child.args.length > 0 && rank < bestRank) {
      best = child;
      bestRank = rank;
    }
  }
  return (
    best && { module: MODULE_NAMES[bestRank]!, directive: best, upstream: normaliseUpstream(best.args[0]!) }
  );
}

function isUnreadInclude(directive: NginxDirective): boolean {
  return directive.name === "include" && directive.unresolved === true;
}

/**
 * A location whose pass directive lives in an include we could not read (DefectDojo's
 * `include /run/defectdojo/uwsgi_pass;`): the include's name or the module's other settings
 * (uwsgi_read_timeout) still say which module it is.
 */
function inferredPass(block: NginxDirective[]): PassInfo | undefined {
  // Most blocks have no pass at all: ask before building anything.
  if (!block.some(isUnreadInclude)) return undefined;
  const unread = block.filter(isUnreadInclude);
  const module =
    MODULE_NAMES.find((name) => unread.some((include) => include.args[0]!.includes(MODULES[name].pass))) ??
    MODULE_NAMES.find((name) => block.some((child) => child.name.startsWith(`${name}_`)));
  return module
    ? { module, directive: undefined, upstream: `(unread include ${unread[0]!.args[0]})` }
    : undefined;
}

function innermostLocation(scope: Scope): string {
  const location = scope.path.findLast((block) => block.name === "location");
  return location ? location.args.join(" ") : "";
}

function routesOf(server: ServerBlock): AppRoute[] {
  const routes: AppRoute[] = [];
  const consider = (scope: Scope, block: NginxDirective) => {
    const pass = passIn(block.block ?? []) ?? inferredPass(block.block ?? []);
    if (!pass) return;
    const anchor = pass.directive ?? block;
    routes.push({
      server,
      scope,
      location: innermostLocation(scope),
      pass,
      appBound: true,
      unreadInclude: unreadIncludeInScope(scope),
      file: anchor.file,
      line: anchor.line,
    });
  };
  consider(server.scope, server.directive);
  for (const scope of innerScopes(server.scope)) consider(scope, scope.path[scope.path.length - 1]!);
  const main = routes.find((route) => /^(\^~ )?\/$/.test(route.location))?.pass.upstream;
  if (main !== undefined) for (const route of routes) route.appBound = route.pass.upstream === main;
  return routes;
}

/** Every place in the configuration that passes requests to an upstream, server by server. */
export const routesToApp = perConfig((config: NginxConfig): AppRoute[] =>
  serverBlocks(config).flatMap(routesOf),
);

/** The `server` addresses of each http `upstream NAME { ... }` block, by name. */
const upstreamBlocks = perConfig((config: NginxConfig): ReadonlyMap<string, string[]> => {
  const blocks = new Map<string, string[]>();
  forEachNamed(config.root, ["upstream"], (directive, scope) => {
    const name = directive.args[0];
    if (name === undefined || !directive.block || scope.path.some((block) => block.name === "stream")) return;
    const servers = directive.block.filter((child) => child.name === "server" && child.args[0] !== undefined);
    blocks.set(name, [...(blocks.get(name) ?? []), ...servers.map((server) => server.args[0]!)]);
  });
  return blocks;
});

/** Where a route's requests go: the servers of the upstream block it names, or the address it names. */
export function passAddresses(config: NginxConfig, route: AppRoute): readonly string[] {
  return upstreamBlocks(config).get(route.pass.upstream) ?? [route.pass.upstream];
}

/** The key a setter line files a header under: its name in lower case, or the CGI param as written. */
function setterKey(shape: ModuleShape, target: string): string {
  return shape.style === "header" ? target.toLowerCase() : target;
}

/** The key looking up request header `name` (CGI params as HTTP_*). */
function headerKey(shape: ModuleShape, name: string): string {
  return shape.style === "header" ? name.toLowerCase() : `HTTP_${name.toUpperCase().replace(/-/g, "_")}`;
}

const SHAPE_BY_SETTER = new Map(MODULE_NAMES.map((module) => [MODULES[module].setter, MODULES[module]]));
const SETTERS = [...SHAPE_BY_SETTER.keys()];

/** Every line anywhere in the configuration that sets request header `name` for an upstream. */
export function headerAssignments(root: NginxDirective[], name: string): NginxDirective[] {
  const found: NginxDirective[] = [];
  const keys = new Map([...SHAPE_BY_SETTER].map(([setter, shape]) => [setter, headerKey(shape, name)]));
  forEachNamed(root, SETTERS, (directive) => {
    const shape = SHAPE_BY_SETTER.get(directive.name)!;
    const key = keys.get(directive.name)!;
    const target = directive.args[0];
    // Lower-casing keeps an ASCII name's length: comparing lengths first spares most lines a copy.
    if (target?.length === key.length && setterKey(shape, target) === key) found.push(directive);
  });
  return found;
}

export interface ClientValuedAssignment {
  directive: NginxDirective;
  value: string;
  /** The client-controlled variables the value is built from, e.g. ["$http_host"]. */
  sources: string[];
}

/** Lines that set request header `name` for an upstream from a value the client controls. */
export function clientValuedAssignments(config: NginxConfig, name: string): ClientValuedAssignment[] {
  const variables = variableIndex(config);
  return headerAssignments(config.root, name).flatMap((directive) => {
    const value = directive.args[1] ?? "";
    const sources = variables.clientSources(value);
    return sources.length > 0 ? [{ directive, value, sources }] : [];
  });
}

/**
 * Setter indexes per setter name and level: every route under a block shares the list in effect
 * there. One WeakMap per setter, so each of thousands of levels costs one map, not a map of maps.
 */
const settersByLevel = new Map(
  SETTERS.map((setter) => [setter, new WeakMap<readonly NginxDirective[], Map<string, NginxDirective>>()]),
);

/**
 * The first line of the setter list in effect in a scope (proxy_set_header ... ) that sets each
 * header. Rules ask a route about many headers, so each list is keyed once instead of searched per question.
 */
function setterIndex(shape: ModuleShape, scope: Scope): ReadonlyMap<string, NginxDirective> {
  const inEffect = inheritedLevel(scope, shape.setter);
  if (!inEffect) return NO_SETTERS;
  const byLevel = settersByLevel.get(shape.setter)!;
  let index = byLevel.get(inEffect.level);
  if (index) return index;
  index = new Map();
  for (const directive of inEffect.found) {
    const target = directive.args[0];
    if (target === undefined) continue;
    const key = setterKey(shape, target);
    if (!index.has(key)) index.set(key, directive);
  }
  byLevel.set(inEffect.level, index);
  return index;
}

const NO_SETTERS: ReadonlyMap<string, NginxDirective> = new Map();

/** Each route's setter index, found once: rules ask every route about several headers. */
const routeSetterIndex = perConfig((route: AppRoute) => setterIndex(MODULES[route.pass.module], route.scope));

/** What the upstream receives as header `name` for requests through this route. */
export function forwardedHeader(route: AppRoute, name: string): ForwardedHeader {
  const shape = MODULES[route.pass.module];
  const key = headerKey(shape, name);
  const directive = routeSetterIndex(route).get(key);
  if (directive) {
    const value = directive.args[1] ?? "";
    return value === "" ? { source: "removed", directive } : { source: "set", value, directive };
  }
  // A header-style key is the name in lower case already.
  const lowerCased = shape.style === "header" ? key : name.toLowerCase();
  if (route.pass.module === "proxy" && lowerCased === "host")
    return { source: "default", value: "$proxy_host" };
  const requestHeaders = inheritedValue(route.scope, shape.requestHeadersSwitch);
  if (requestHeaders?.args[0] === "off") return { source: "removed", directive: requestHeaders };
  const ignored =
    shape.style === "param"
      ? inheritedList(route.scope, "proxy_set_header").find((d) => d.args[0]?.toLowerCase() === lowerCased)
      : undefined;
  return { source: "client", ignored };
}

/** Where a route's header value was decided, for messages: the directive, or the pass line. */
export function headerLocation(route: AppRoute, header: ForwardedHeader): { file: string; line: number } {
  return "directive" in header && header.directive ? header.directive : route;
}

export interface ResponseHeader {
  name: string;
  value: string;
  directive: NginxDirective;
}

/**
 * The add_header lines in effect in a scope (a block with its own add_header drops all inherited ones). A
 * line without `always` counts too: nginx then adds it to 200, 201, 204, 206, 301, 302, 303, 304, 307 and 308
 * responses only (ngx_http_headers_filter), which are the pages and redirects a browser learns HSTS from;
 * only error responses lack it.
 */
export function responseHeaders(scope: Scope): ResponseHeader[] {
  return inheritedList(scope, "add_header").map((directive) => ({
    name: directive.args[0] ?? "",
    value: directive.args[1] ?? "",
    directive,
  }));
}

export interface DroppedHeaders {
  /** The block whose own add_header lines replace the inherited ones. */
  scope: Scope;
  block: NginxDirective;
  /** Inherited header names (lower case) that this block no longer sends. */
  dropped: string[];
}

/** Blocks that silently drop inherited add_header headers by declaring their own. */
export function droppedResponseHeaders(root: NginxDirective[]): DroppedHeaders[] {
  const found: DroppedHeaders[] = [];
  let previous: Scope | undefined;
  forEachNamed(root, ["add_header"], (_, scope) => {
    // Once per block (the top level is none); its own add_header lines are the list in effect there.
    if (scope === previous || scope.path.length === 0) return;
    previous = scope;
    const inherited = inheritedList(scope, "add_header", scope.path.length - 2);
    if (inherited.length === 0) return;
    const own = new Set(inheritedList(scope, "add_header").map(lowerCaseName));
    const dropped = inherited.map(lowerCaseName).filter((name) => !own.has(name));
    if (dropped.length > 0)
      found.push({ scope, block: scope.path[scope.path.length - 1]!, dropped: [...new Set(dropped)] });
  });
  return found;
}

function lowerCaseName(header: NginxDirective): string {
  return (header.args[0] ?? "").toLowerCase();
}
