/** Small pieces every nginx rule uses: locating findings, picking app routes, naming places. */
import type { RuleFinding } from "../../rule.js";
import type { NginxConfig, NginxDirective } from "../../nginx/model.js";
import { headerAssignments, routesToApp, type AppRoute } from "../../nginx/routes.js";
import { variableIndex } from "../../nginx/variables.js";
import { perConfig } from "../../memo.js";
import { inheritedList, levelsOf, named, type Scope } from "../../nginx/scope.js";
import type { ServerBlock } from "../../nginx/servers.js";

export function finding(
  status: RuleFinding["status"],
  message: string,
  at: { file: string; line: number },
): RuleFinding {
  return { status, message, location: { file: at.file, line: at.line } };
}

/** The routes to the app itself (not to side backends), found once per configuration: most rules ask. */
export const appRoutes = perConfig((config: NginxConfig): readonly AppRoute[] =>
  routesToApp(config).filter((route) => route.appBound),
);

/** The app routes of each server: rules asking per server would otherwise filter every route for each. */
export const appRoutesByServer = perConfig((config: NginxConfig): ReadonlyMap<ServerBlock, AppRoute[]> => {
  const byServer = new Map<ServerBlock, AppRoute[]>();
  for (const route of appRoutes(config)) {
    const own = byServer.get(route.server);
    if (own) own.push(route);
    else byServer.set(route.server, [route]);
  }
  return byServer;
});

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
