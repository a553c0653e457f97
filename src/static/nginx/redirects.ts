/**
 * Where nginx itself sends plain HTTP to https before a route's pass runs: a `return 301 https://...` (or a
 * rewrite to https://) directly, or inside an `if` in the server block or the route's location.
 */
import type { IfCondition } from "./conditions.js";
import type { NginxDirective } from "./model.js";
import type { AppRoute } from "./routes.js";
import type { VariableIndex } from "./variables.js";

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

/** The conditions of the `if` blocks in the server and the route's location that redirect to https. */
function redirectConditions(route: AppRoute, variables: VariableIndex): IfCondition[] {
  const location = route.scope.path.findLast((block) => block.name === "location");
  return [route.server.directive, ...(location ? [location] : [])].flatMap((block) =>
    redirectConditionsIn(block, variables),
  );
}

/**
 * Who still reaches the app over plain HTTP past those redirects: everyone; only a client that claims
 * https itself (`if ($http_x_forwarded_proto != https)` redirects the honest ones); or no one
 * (`if ($scheme = http)`).
 */
export function plainReach(
  route: AppRoute,
  variables: VariableIndex,
): "everyone" | "claiming-https" | "none" {
  const conditions = redirectConditions(route, variables);
  const redirects = (honest: boolean) => conditions.some((c) => c.holds("plain", honest) === true);
  return redirects(false) ? "none" : redirects(true) ? "claiming-https" : "everyone";
}
