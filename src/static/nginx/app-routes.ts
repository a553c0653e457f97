/**
 * Which of nginx's routes lead to the app itself, how to name them in messages, and how they tell uWSGI
 * the scheme: what the nginx rules and the contract's view of nginx both ask.
 */
import type { NginxConfig, NginxDirective } from "./model.js";
import { passAddresses, routesToApp, type AppRoute } from "./routes.js";
import { perConfigAndKey } from "../memo.js";
import { endpointKey } from "../gunicorn/addresses.js";
import { inheritedList, levelsOf, named } from "./scope.js";
import type { ServerBlock } from "./servers.js";

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

export function describeServer(server: ServerBlock): string {
  const listens = server.listens.map((listen) => listen.key).join(", ");
  const names = server.names.length > 0 ? ` (${server.names.join(" ")})` : "";
  return `server on ${listens}${names}`;
}

export function describeRoute(route: AppRoute): string {
  const where = route.location === "" ? "the server block" : `location ${route.location}`;
  return `${where} of the ${describeServer(route.server)}, passing to ${route.pass.upstream}`;
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
