/**
 * Where nginx answers a request itself before a route's pass runs: plain HTTP sent to https by a
 * `return 301 https://...` (or a rewrite to https://) directly, or inside an `if` in the server block or the
 * route's location; a host redirected or refused by an `if ($host = ...)` there.
 */
import { holdsForHost, type IfCondition } from "./conditions.js";
import type { NginxDirective } from "./model.js";
import type { AppRoute } from "./routes.js";
import type { VariableIndex } from "./variables.js";
import { allowsOnlyNamedHosts } from "./servers.js";

const REDIRECT_CODES = new Set(["301", "302", "303", "307", "308"]);

export function redirectsToHttps(directive: NginxDirective | undefined): boolean {
  // A rewrite to an absolute URL redirects whatever its flag says.
  if (directive?.name === "rewrite") return /^https:\/\//i.test(directive.args[1] ?? "");
  if (directive?.name !== "return") return false;
  const [code = "", target = ""] = directive.args;
  return REDIRECT_CODES.has(code) && /^https:\/\//i.test(target);
}

/** The conditions of the `if` blocks directly inside `block` (a server or location) that redirect to https. */
export function redirectConditionsIn(block: NginxDirective, variables: VariableIndex): IfCondition[] {
  return (block.block ?? [])
    .filter((child) => child.name === "if" && (child.block ?? []).some(redirectsToHttps))
    .map((child) => variables.conditionOf(child));
}

/** A `rewrite` whose pattern matches every path ("^", "^/(.*)$"), so every request meets it. */
function matchesEveryPath(directive: NginxDirective): boolean {
  try {
    const pattern = new RegExp(directive.args[0] ?? "");
    return ["/", "/a/b.html"].every((path) => pattern.test(path));
  } catch {
    return false;
  }
}

/** A `return` (or a rewrite of every path) to https directly in the block: every request it runs for is redirected. */
function redirectsEveryRequest(block: NginxDirective): boolean {
  return (block.block ?? []).some(
    (child) => redirectsToHttps(child) && (child.name === "return" || matchesEveryPath(child)),
  );
}

/** The innermost `location` of a route, if any. */
function routeLocation(route: AppRoute): NginxDirective | undefined {
  return route.scope.path.findLast((block) => block.name === "location");
}

/**
 * The locations that send requests to a named location (`try_files $uri @app;`, `error_page 404 = @app;`)
 * in the route's server; [] when the route is not in a named location.
 */
export function namedReferrers(route: AppRoute): NginxDirective[] {
  const name = routeLocation(route)?.args[0];
  if (!name?.startsWith("@")) return [];
  const found: NginxDirective[] = [];
  const visit = (block: NginxDirective) => {
    for (const child of block.block ?? []) {
      if (child.name !== "location") continue;
      const refers = (child.block ?? []).some(
        (inner) => (inner.name === "try_files" || inner.name === "error_page") && inner.args.at(-1) === name,
      );
      if (refers) found.push(child);
      visit(child);
    }
  };
  visit(route.server.directive);
  return found;
}

/**
 * The blocks whose rewrite-phase directives a request meets on its way to the route, for each way there:
 * the server and the route's location; for a named location, the server, the location that sends the
 * request there (its rewrites run before try_files or error_page) and the named location itself.
 */
function waysTo(route: AppRoute): NginxDirective[][] {
  const location = routeLocation(route);
  const server = route.server.directive;
  const own = location ? [location] : [];
  const referrers = namedReferrers(route);
  return referrers.length > 0 ? referrers.map((referrer) => [server, referrer, ...own]) : [[server, ...own]];
}

/**
 * Who still reaches the app over plain HTTP past those redirects: everyone; only a client that claims
 * https itself (`if ($http_x_forwarded_proto != https)` redirects the honest ones); or no one
 * (`if ($scheme = http)`, or a `return 301 https://...` every request meets). The most open way there counts.
 */
export function plainReach(
  route: AppRoute,
  variables: VariableIndex,
): "everyone" | "claiming-https" | "none" {
  const order = ["none", "claiming-https", "everyone"] as const;
  const reaches = waysTo(route).map((blocks) => {
    if (blocks.some(redirectsEveryRequest)) return 0;
    const conditions: IfCondition[] = blocks.flatMap((block) => redirectConditionsIn(block, variables));
    const redirects = (honest: boolean) => conditions.some((c) => c.holds("plain", honest) === true);
    return redirects(false) ? 0 : redirects(true) ? 1 : 2;
  });
  return order[Math.max(...reaches)]!;
}

/** A `break`, or a `rewrite ... last|break`: the block's later rewrite directives do not run (for the requests it meets). */
function endsRewrites(directive: NginxDirective): boolean {
  if (directive.name === "break") return true;
  if (directive.name === "rewrite") return /^(last|break)$/.test(directive.args[2] ?? "");
  return directive.name === "if" && (directive.block ?? []).some(endsRewrites);
}

/** A `return` of any kind, or a rewrite of every path to https://: every request that meets it ends there. */
function endsEveryRequest(directive: NginxDirective): boolean {
  return directive.name === "return" || (redirectsToHttps(directive) && matchesEveryPath(directive));
}

/**
 * Whether one block's rewrite directives (a server's or a location's) answer every request for `host`: a
 * `return`, or an `if ($host = www.example.com) { return 301 https://example.com$request_uri; }` (a
 * canonical-host or certbot redirect). An earlier `break` or `rewrite ... last` may skip them.
 */
function answersHostIn(block: NginxDirective, host: string): boolean {
  for (const child of block.block ?? []) {
    if (endsRewrites(child)) return false;
    if (endsEveryRequest(child)) return true;
    if (
      child.name === "if" &&
      holdsForHost(child, host) === true &&
      (child.block ?? []).some(endsEveryRequest)
    )
      return true;
  }
  return false;
}

/**
 * Whether nginx answers every request for `host` on each way to the route (see waysTo), in the server block
 * or in a location the request runs, so none reaches the app. Only the matched location's own rewrite
 * directives run, not an enclosing location's, and a redirect in another location (`location /static/`)
 * covers none of this route's requests. A wildcard name (`*.example.com`, `.example.com`) stands for hosts
 * the `if` may not all match.
 */
export function answersHostItself(route: AppRoute, host: string): boolean {
  if (host.includes("*") || host.startsWith(".")) return false;
  return waysTo(route).every((blocks) => blocks.some((block) => answersHostIn(block, host)));
}

/**
 * Whether every request to the route meets a Host allowlist (`if ($host != app.example.com) { return 444; }`)
 * first: in the server block, or in the location the request runs (an enclosing location's does not run).
 */
export function rejectsOtherHostsOn(route: AppRoute): boolean {
  return waysTo(route).every((blocks) => blocks.some(allowsOnlyNamedHosts));
}
