import type { RuleFinding, StaticRule } from "../../rule.js";
import { claimsHttps, SCHEME_HEADERS } from "../scheme-claims.js";
import { forwardedHeader, headerLocation, type AppRoute } from "../../nginx/routes.js";
import { plainReach } from "../../nginx/redirects.js";
import { variableIndex, type VariableIndex } from "../../nginx/variables.js";
import { appRoutes, finding, oncePerLocation, trustedProxiesInScope, unreadIncludeNote } from "./shared.js";
import { describeRoute } from "../../nginx/app-routes.js";

/** Behind a trusted load balancer (set_real_ip_from), passing on its X-Forwarded-Proto is the design. */
const BEHIND_PROXY_NOTE = "; safe only if nothing but the trusted proxy in front can reach nginx";

function checkRoute(route: AppRoute, variables: VariableIndex): RuleFinding[] {
  const findings: RuleFinding[] = [];
  // Behind a trusted load balancer, passing its X-Forwarded-Proto on is the design; still risky if nginx is reachable directly.
  const behindProxy = trustedProxiesInScope(route.scope).length > 0;
  // Over HTTPS a client's copy can only claim http: a nuisance to itself, not a spoof.
  const listensTlsOnly =
    route.server.listens.length > 0 && route.server.listens.every((listen) => listen.ssl);
  const reach = plainReach(route, variables);
  const tlsOnly = listensTlsOnly || reach === "none";
  const tlsOnlyNote = listensTlsOnly
    ? "; the server only listens for HTTPS, where a client can only claim http"
    : "; plain HTTP is redirected before it reaches the app, and over HTTPS a client can only claim http";
  const xfp = forwardedHeader(route, "X-Forwarded-Proto");
  if (xfp.source === "client") {
    const ignored = xfp.ignored
      ? ` The proxy_set_header X-Forwarded-Proto at ${xfp.ignored.file}:${xfp.ignored.line} has no effect on ${route.pass.module}_pass; use ${route.pass.module}_param HTTP_X_FORWARDED_PROTO $scheme.`
      : "";
    findings.push(
      finding(
        route.unreadInclude || tlsOnly || behindProxy ? "warn" : "fail",
        `X-Forwarded-Proto is not set in ${describeRoute(route)}, so the client's own X-Forwarded-Proto reaches the app unchanged${unreadIncludeNote(route)}${tlsOnly ? tlsOnlyNote : behindProxy ? BEHIND_PROXY_NOTE : ""}.${ignored}`,
        route,
      ),
    );
  }
  for (const name of SCHEME_HEADERS) {
    const header = forwardedHeader(route, name);
    if (header.source !== "set") continue;
    const onRoute = variables.routeValue(route.scope, header.value, tlsOnly ? "tls" : "plain");
    // nginx's own "https" on a route plain HTTP reaches: every plain request looks secure to the app.
    const written = onRoute?.kind === "fixed" ? onRoute.value : header.value;
    if (!tlsOnly && reach === "everyone" && claimsHttps(name, written)) {
      findings.push(
        finding(
          "fail",
          `${name} is set to "${header.value}" in ${describeRoute(route)}, which plain HTTP reaches without a redirect: the app takes every plain request for HTTPS, so SECURE_SSL_REDIRECT never fires and pages and cookies are served over HTTP. Set it to $scheme.`,
          headerLocation(route, header),
        ),
      );
      continue;
    }
    if (onRoute?.kind === "fixed") continue;
    const sources = onRoute?.sources ?? variables.clientSources(header.value);
    if (sources.length === 0) continue;
    const branched = onRoute ?? variables.clientBranches(header.value);
    const peerOnly = branched !== undefined && !branched.pickedByClient;
    const status = behindProxy || peerOnly || tlsOnly ? "warn" : "fail";
    const origin = branched
      ? `it is ${branched.description}`
      : `its value comes from the client (${sources.join(", ")})`;
    const caveat = peerOnly
      ? "; only those peers can choose it, so trust them to overwrite it."
      : tlsOnly
        ? `${tlsOnlyNote}.`
        : behindProxy
          ? `${BEHIND_PROXY_NOTE}.`
          : ".";
    findings.push(
      finding(
        status,
        `${name} is set to "${header.value}" in ${describeRoute(route)}: ${origin}${caveat}`,
        headerLocation(route, header),
      ),
    );
  }
  return findings;
}

export const xfpFromClient: StaticRule = {
  meta: {
    id: "nginx-xfp-from-client",
    clause: "spoofed-proto",
    severity: "high",
    title: "X-Forwarded-Proto can come from the client",
    explanation:
      "nginx forwards every request header it does not override, so unless a location sets X-Forwarded-Proto itself, a client can send X-Forwarded-Proto: https over plain HTTP. Django with SECURE_PROXY_SSL_HEADER then treats the request as secure: the HTTPS redirect is skipped and secure cookies are sent over HTTP. Passing $http_x_forwarded_proto or appending to it has the same effect, and so does a literal `https` on a server that passes plain HTTP to the app: every plain request then looks secure.",
    fix: {
      nginx:
        "proxy_set_header X-Forwarded-Proto $scheme;  # in every location that proxies to Django (uwsgi: uwsgi_param HTTP_X_FORWARDED_PROTO $scheme;)",
      django:
        "SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https')  # only once nginx overwrites the header",
    },
  },
  check(input) {
    if (!input.nginx) return [];
    const variables = variableIndex(input.nginx);
    return oncePerLocation(appRoutes(input).flatMap((route) => checkRoute(route, variables)));
  },
};
