/** The contract's view of an nginx configuration, from the nginx parser's route and header helpers. */
import type { NginxConfig, NginxDirective } from "../nginx/model.js";
import {
  forwardedHeader,
  headerLocation,
  passAddresses,
  responseHeaders,
  type AppRoute as NginxRoute,
} from "../nginx/routes.js";
import { perConfig, perConfigAndKey } from "../memo.js";
import { inheritedValue } from "../nginx/scope.js";
import { defaultServers, serverBlocks, type ServerBlock } from "../nginx/servers.js";
import {
  answersHostItself,
  namedReferrers,
  plainReach,
  redirectConditionsIn,
  redirectsToHttps,
  rejectsOtherHostsOn,
} from "../nginx/redirects.js";
import { variableIndex, type VariableIndex } from "../nginx/variables.js";
import { appRoutesAt, describeRoute, describeServer, schemeVariable } from "../nginx/app-routes.js";
import type { AppRoute, HeaderFate, ProxyView, Traffic } from "./proxy-view.js";

function children(directive: NginxDirective): NginxDirective[] {
  return directive.block ?? [];
}

/** A `return` directly in the server block ends every request before any location runs. */
function serverReturns(server: ServerBlock): NginxDirective | undefined {
  return children(server.directive).find((child) => child.name === "return");
}

/** The listens' ssl is decided per address:port, `ssl on;` included (serverBlocks). */
function trafficOf(server: ServerBlock): Traffic[] {
  const kinds: Traffic[] = [];
  if (server.listens.some((listen) => listen.ssl)) kinds.push("tls");
  if (server.listens.some((listen) => !listen.ssl)) kinds.push("plain");
  return kinds;
}

/**
 * The paths a location serves: "all" for `/`, the prefix or exact path, the path a regex anchors to
 * (`~ ^/healthz$`), "all" for any other regex (it may match any page), and for a named location the
 * paths of the locations that send requests there (try_files, error_page).
 */
function pathsOf(location: string, referrers: NginxDirective[] = []): "all" | string[] {
  const [modifier = "", path = ""] = location.split(/\s+/);
  if (location === "" || /^(\^~ )?\/$/.test(location)) return "all";
  if (modifier === "=" || modifier === "^~") return path ? [path] : [];
  if (modifier === "~" || modifier === "~*") {
    const literal = /^\^(\/(?:[\w\-/]|\\\.)*)\$?$/.exec(path)?.[1];
    return literal ? [literal.replace(/\\\./g, ".")] : "all";
  }
  if (modifier.startsWith("@")) {
    const paths = referrers.map((referrer) => pathsOf(referrer.args.join(" ")));
    return paths.includes("all") ? "all" : paths.flatMap((p) => (p === "all" ? [] : p));
  }
  return modifier.startsWith("/") ? [modifier] : [];
}

/** nginx drops client header names with underscores unless told otherwise. */
function passesUnderscores(route: NginxRoute): boolean {
  return (
    inheritedValue(route.server.scope, "underscores_in_headers")?.args[0] === "on" ||
    inheritedValue(route.server.scope, "ignore_invalid_headers")?.args[0] === "off"
  );
}

/** The scheme a value written by nginx itself names on this traffic ($scheme, or the literal), if any. */
function schemeOf(value: string, traffic: Traffic): "https" | "http" | undefined {
  if (value === "$scheme") return traffic === "tls" ? "https" : "http";
  return value === "https" || value === "http" ? value : undefined;
}

/**
 * A header set from a `map`, `geo` or `set` variable whose branches differ: the client's copy only on the
 * branches that copy it (or that the client picks), nginx's own value on the others (see
 * VariableIndex.routeValue and clientBranches). A `set` variable that one connection decides is nginx's own.
 */
function branchedFate(
  variables: VariableIndex,
  route: NginxRoute,
  value: string,
  traffic: Traffic,
  at: HeaderFate["at"],
): HeaderFate | undefined {
  const onRoute = variables.routeValue(route.scope, value, traffic);
  if (onRoute?.kind === "fixed") {
    const scheme = schemeOf(onRoute.value, traffic);
    return { kind: "proxy", value: onRoute.value, ...(scheme ? { scheme } : {}), at };
  }
  const branched = onRoute ?? variables.clientBranches(value);
  if (!branched) return undefined;
  const fallbackScheme = branched.fallback ? schemeOf(branched.fallback, traffic) : undefined;
  return {
    kind: "client",
    how: branched.description,
    ...(branched.pickedByClient ? {} : { onlyWhen: branched.when }),
    ...(fallbackScheme ? { fallbackScheme } : {}),
    at,
  };
}

function headerFate(route: NginxRoute, variables: VariableIndex, name: string, traffic: Traffic): HeaderFate {
  const at = { file: route.file, line: route.line };
  if (name.includes("_")) {
    return passesUnderscores(route)
      ? { kind: "client", how: "passed through (underscores_in_headers on)", at }
      : { kind: "removed", at };
  }
  const header = forwardedHeader(route, name);
  const where = headerLocation(route, header);
  const located = { file: where.file, line: where.line };
  switch (header.source) {
    case "removed":
      return { kind: "removed", at: located };
    case "client":
      return {
        kind: "client",
        how: "passed through (nginx forwards the request headers it does not set)",
        at: located,
      };
    case "default":
      return { kind: "proxy", value: header.value, at: located };
    case "set": {
      const branched = branchedFate(variables, route, header.value, traffic, located);
      if (branched) return branched;
      const sources = variables.clientSources(header.value);
      if (sources.length > 0)
        return { kind: "client", how: `copied from ${sources.join(", ")}`, at: located };
      const scheme = schemeOf(header.value, traffic);
      return { kind: "proxy", value: header.value, ...(scheme ? { scheme } : {}), at: located };
    }
  }
}

function hostRewrite(route: NginxRoute): AppRoute["hostRewrite"] {
  const host = forwardedHeader(route, "Host");
  const where = headerLocation(route, host);
  const at = { file: where.file, line: where.line };
  if (host.source === "default")
    return { value: `${host.value} (${route.pass.upstream})`, host: route.pass.upstream, at };
  if (host.source === "set" && !/\$(host|http_host|server_name)\b/.test(host.value))
    return { value: host.value, ...(host.value.includes("$") ? {} : { host: host.value }), at };
  return undefined;
}

/**
 * The names of a route's server that a browser could ask for and the route passes to the app: no `_`, empty
 * or regex names, and none that nginx answers itself on the way (a www redirect in the server block or in
 * the route's location). Read once per route: nginxHosts and the view both ask.
 */
const hostsOf = perConfig((route: NginxRoute): string[] =>
  route.server.names.filter(
    (name) => name !== "_" && name !== "" && !name.startsWith("~") && !answersHostItself(route, name),
  ),
);

/** The routes nginxView gives, before each is judged: their order and hosts are known without the judging. */
function viewedRoutes(config: NginxConfig, appEndpoints: string): NginxRoute[] {
  return appRoutesAt(config, appEndpoints).filter((route) => !serverReturns(route.server));
}

/** The hosts of nginxView's routes, in order, without building the view. */
export function nginxHosts(config: NginxConfig, appEndpoints: string): string[] {
  return viewedRoutes(config, appEndpoints).flatMap(hostsOf);
}

function toRoute(
  config: NginxConfig,
  route: NginxRoute,
  variables: VariableIndex,
  catchAll: boolean,
): AppRoute {
  const rewrite = hostRewrite(route);
  const reach = plainReach(route, variables);
  const paths = pathsOf(route.location, namedReferrers(route));
  return {
    proxy: "nginx",
    label: describeRoute(route),
    site: describeServer(route.server),
    ...(paths === "all" ? {} : { pages: `every page under location ${route.location}` }),
    at: { file: route.file, line: route.line },
    traffic: trafficOf(route.server).filter((kind) => kind === "tls" || reach !== "none"),
    // A client that claims https past a redirect for the others still reaches the app: traffic keeps "plain".
    plainPaths: reach === "everyone" ? paths : [],
    hosts: hostsOf(route),
    catchAll,
    header: (name, traffic) => headerFate(route, variables, name, traffic),
    ...(route.pass.directive && !inheritedValue(route.scope, `${route.pass.module}_bind`)
      ? { upstreams: passAddresses(config, route) }
      : {}),
    ...(rewrite ? { hostRewrite: rewrite } : {}),
    ...(route.pass.module === "uwsgi" && !route.unreadInclude
      ? { sendsSchemeVariable: schemeVariable(route) !== undefined }
      : {}),
    sendsHsts: responseHeaders(route.scope).some((h) => h.name.toLowerCase() === "strict-transport-security"),
  };
}

/**
 * Plain-HTTP servers that answer with a redirect to https (in the server block, in `location /`, or in an
 * `if` at server level that every honest plain request meets).
 */
function plainRedirects(servers: ServerBlock[], variables: VariableIndex): NginxDirective[] {
  return servers
    .filter((server) => trafficOf(server).includes("plain"))
    .flatMap((server) => {
      const atServer = serverReturns(server);
      if (atServer) return redirectsToHttps(atServer) ? [atServer] : [];
      const guarded = redirectConditionsIn(server.directive, variables).find(
        (condition) => condition.holds("plain", true) === true,
      );
      if (guarded) return [guarded.directive];
      const root = children(server.directive).find(
        (child) => child.name === "location" && /^(\^~ )?\/$/.test(child.args.join(" ")),
      );
      const inRoot = root && children(root).find((child) => child.name === "return");
      return inRoot && redirectsToHttps(inRoot) ? [inRoot] : [];
    });
}

/** Each route of the view, by the nginx route it is built from; built once per configuration and app server. */
const viewedRouteMap = perConfigAndKey(
  (config: NginxConfig, appEndpoints: string): ReadonlyMap<NginxRoute, AppRoute> => {
    const variables = variableIndex(config);
    const defaults = new Set(defaultServers(serverBlocks(config)).values());
    return new Map(
      viewedRoutes(config, appEndpoints).map((route) => [
        route,
        toRoute(config, route, variables, defaults.has(route.server) && !rejectsOtherHostsOn(route)),
      ]),
    );
  },
);

/**
 * The contract's view of one nginx route, for nginx rules that weigh what Django does on it; undefined for
 * a route no request reaches (its server returns first).
 */
export function viewedRoute(
  config: NginxConfig,
  appEndpoints: string,
  route: NginxRoute,
): AppRoute | undefined {
  return viewedRouteMap(config, appEndpoints).get(route);
}

/** Built once per configuration and app server (appServerEndpoints): every contract rule asks for the same view. */
export const nginxView = perConfigAndKey((config: NginxConfig, appEndpoints: string): ProxyView => ({
  proxy: "nginx",
  routes: [...viewedRouteMap(config, appEndpoints).values()],
  plainRedirects: plainRedirects(serverBlocks(config), variableIndex(config)).map((d) => ({
    file: d.file,
    line: d.line,
  })),
}));
