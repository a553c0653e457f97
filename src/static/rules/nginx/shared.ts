/** Small pieces every nginx rule uses: locating findings, picking app routes, naming places. */
import type { AuditInput, RuleFinding } from "../../rule.js";
import type { NginxConfig, NginxDirective } from "../../nginx/model.js";
import type { AppRoute } from "../../nginx/routes.js";
import { appRoutesAt } from "../../nginx/app-routes.js";
import { perConfigAndKey } from "../../memo.js";
import { appServerEndpoints } from "../../appserver/endpoints.js";
import { inheritedList, type Scope } from "../../nginx/scope.js";
import type { ServerBlock } from "../../nginx/servers.js";

export function finding(
  status: RuleFinding["status"],
  message: string,
  at: { file: string; line: number },
): RuleFinding {
  return { status, message, location: { file: at.file, line: at.line } };
}

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
