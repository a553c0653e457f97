/** Small pieces every nginx rule uses: locating findings, picking app routes, naming places. */
import type { AuditInput, RuleFinding } from "../../rule.js";
import type { NginxConfig, NginxDirective } from "../../nginx/model.js";
import { headerAssignments, passAddresses, routesToApp, type AppRoute } from "../../nginx/routes.js";
import { variableIndex } from "../../nginx/variables.js";
import { perConfigAndKey } from "../../memo.js";
import { endpointKey } from "../../gunicorn/addresses.js";
import { bindAddresses } from "../gunicorn/shared.js";
import { inheritedList, levelsOf, named, type Scope } from "../../nginx/scope.js";
import type { ServerBlock } from "../../nginx/servers.js";

export function finding(
  status: RuleFinding["status"],
  message: string,
  at: { file: string; line: number },
): RuleFinding {
  return { status, message, location: { file: at.file, line: at.line } };
}

/**
 * Where the app server Django runs under listens, as endpointKey()s one a line ("" when the audit has
 * no app server): what tells Django's upstream from a front end's.
 */
export function appServerEndpoints(input: AuditInput): string {
  const binds = [
    ...(input.gunicorn ? bindAddresses(input.gunicorn) : []),
    ...(input.appServers ?? []).flatMap((server) => [...server.binds.value, ...(server.otherBinds ?? [])]),
  ];
  const keys = binds.map(endpointKey).filter((key): key is string => key !== undefined);
  return [...new Set(keys)].sort().join("\n");
}

/**
 * The routes to the app itself (not to side backends), found once per configuration and app server. nginx
 * alone cannot tell which upstream is Django when a server proxies to several (a JavaScript front end on
 * `location /`, Django on /api/ and /admin/): where a server has routes to the address the app server listens
 * on, those are the app's; elsewhere the routes to `location /`'s upstream are.
 */
export const appRoutesAt = perConfigAndKey((config: NginxConfig, endpoints: string): readonly AppRoute[] => {
  const routes = routesToApp(config);
  if (endpoints === "") return routes.filter((route) => route.appBound);
  const known = new Set(endpoints.split("\n"));
  const toAppServer = new Set(
    routes.filter((route) =>
      passAddresses(config, route).some((address) => known.has(endpointKey(address) ?? "")),
    ),
  );
  const reachAppServer = new Set([...toAppServer].map((route) => route.server));
  return routes.filter((route) =>
    reachAppServer.has(route.server) ? toAppServer.has(route) : route.appBound,
  );
});

/** The routes to the app itself: see appRoutesAt. Most rules ask. */
export function appRoutes(input: AuditInput): readonly AppRoute[] {
  return input.nginx ? appRoutesAt(input.nginx, appServerEndpoints(input)) : [];
}

/** The app routes of each server: rules asking per server would otherwise filter every route for each. */
const appRoutesByServerAt = perConfigAndKey(
  (config: NginxConfig, endpoints: string): ReadonlyMap<ServerBlock, AppRoute[]> => {
    const byServer = new Map<ServerBlock, AppRoute[]>();
    for (const route of appRoutesAt(config, endpoints)) {
      const own = byServer.get(route.server);
      if (own) own.push(route);
      else byServer.set(route.server, [route]);
    }
    return byServer;
  },
);

export function appRoutesByServer(input: AuditInput): ReadonlyMap<ServerBlock, AppRoute[]> {
  return input.nginx ? appRoutesByServerAt(input.nginx, appServerEndpoints(input)) : new Map();
}

export function describeServer(server: ServerBlock): string {
  const listens = server.listens.map((listen) => listen.key).join(", ");
  const names = server.names.length > 0 ? ` (${server.names.join(" ")})` : "";
  return `server on ${listens}${names}`;
}

export function describeRoute(route: AppRoute): string {
  const where = route.location === "" ? "the server block" : `location ${route.location}`;
  return `${where} of the ${describeServer(route.server)}, passing to ${route.pass.upstream}`;
}

/** A set_real_ip_from in scope means nginx expects a proxy or load balancer in front of it. */
export function trustedProxiesInScope(scope: Scope): readonly NginxDirective[] {
  return inheritedList(scope, "set_real_ip_from");
}

/** A note to add when an unread include might hold the setting we found missing. */
export function unreadIncludeNote(route: AppRoute): string {
  return route.unreadInclude
    ? ` (the include "${route.unreadInclude.args[0]}" at ${route.unreadInclude.file}:${route.unreadInclude.line} could not be read and might change this)`
    : "";
}

/** Keeps the first finding per file:line, so a directive shared by many locations is reported once. */
export function oncePerLocation(findings: RuleFinding[]): RuleFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.location.file}:${f.location.line}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
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

export const HSTS_HEADER = "strict-transport-security";

/**
 * headers-more's `more_set_headers 'Strict-Transport-Security: max-age=...'` adds to, rather than
 * replaces, inherited headers; the value after the colon, or undefined when the line sets no HSTS.
 */
export function hstsFromMoreSetHeaders(directive: NginxDirective): string | undefined {
  if (directive.name !== "more_set_headers") return undefined;
  for (const arg of directive.args) {
    const match = /^\s*strict-transport-security\s*:\s*(.*)$/is.exec(arg);
    if (match) return match[1]!;
  }
  return undefined;
}

/** The CGI variables uWSGI takes the scheme from. */
const SCHEME_VARIABLE = /^(HTTPS|UWSGI_SCHEME)$/;

/**
 * The uwsgi_param that tells uWSGI the scheme (HTTPS, UWSGI_SCHEME), or an unread uwsgi_params include,
 * which in nginx's and Debian's copies sends `HTTPS $https if_not_empty`.
 */
export function schemeVariable(route: AppRoute): NginxDirective | undefined {
  return (
    inheritedList(route.scope, "uwsgi_param").find((param) => SCHEME_VARIABLE.test(param.args[0] ?? "")) ??
    levelsOf(route.scope)
      .flatMap((level) => named(level, "include"))
      .find((include) => include.unresolved && /uwsgi_params$/.test(include.args[0] ?? ""))
  );
}
