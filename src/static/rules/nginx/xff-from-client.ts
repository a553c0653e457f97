import type { RuleFinding, StaticRule } from "../../rule.js";
import { forwardedHeader, headerLocation, type AppRoute } from "../../nginx/routes.js";
import { variableIndex, type VariableIndex } from "../../nginx/variables.js";
import { appRoutes, finding, oncePerLocation, trustedProxiesInScope } from "./shared.js";
import { describeRoute } from "../../nginx/app-routes.js";

function checkRoute(route: AppRoute, variables: VariableIndex): RuleFinding[] {
  // With set_real_ip_from nginx sits behind a proxy whose X-Forwarded-For it extends: appending is right there.
  const edge = trustedProxiesInScope(route.scope).length === 0;
  const findings: RuleFinding[] = [];
  const xff = forwardedHeader(route, "X-Forwarded-For");
  const realIp = forwardedHeader(route, "X-Real-IP");
  if (xff.source === "set" && edge) {
    const sources = variables.clientSources(xff.value);
    const appends = sources.includes("$proxy_add_x_forwarded_for");
    if (sources.length > 0) {
      findings.push(
        finding(
          appends && sources.length === 1 ? "warn" : "fail",
          appends && sources.length === 1
            ? `X-Forwarded-For is $proxy_add_x_forwarded_for in ${describeRoute(route)}, and nginx is the first proxy (no set_real_ip_from): the client's own entries come first, so the app must read the rightmost entry, never the leftmost.`
            : `X-Forwarded-For is set to "${xff.value}" in ${describeRoute(route)}, which the client controls (${sources.join(", ")}).`,
          headerLocation(route, xff),
        ),
      );
    }
  }
  if (realIp.source === "set") {
    const sources = variables.clientSources(realIp.value);
    if (sources.length > 0) {
      findings.push(
        finding(
          "fail",
          `X-Real-IP is set to "${realIp.value}" in ${describeRoute(route)}: it comes from the client (${sources.join(", ")}); use $remote_addr.`,
          headerLocation(route, realIp),
        ),
      );
    }
  }
  // Django reads neither, but apps and packages such as django-ipware do: a warning, not a failure.
  const untouched = edge
    ? (
        [
          ["X-Forwarded-For", xff],
          ["X-Real-IP", realIp],
        ] as const
      ).flatMap(([name, header]) => (header.source === "client" ? [name] : []))
    : [];
  if (untouched.length > 0) {
    const names = untouched.join(" and ");
    const many = untouched.length > 1;
    findings.push(
      finding(
        "warn",
        `${names} ${many ? "are" : "is"} not set in ${describeRoute(route)}: the client's own ${names} ${many ? "reach" : "reaches"} the app unchanged, and an app that reads ${many ? "them" : "it"} believes a forged address.`,
        route,
      ),
    );
  }
  return findings;
}

export const xffFromClient: StaticRule = {
  meta: {
    id: "nginx-xff-from-client",
    clause: "client-ip",
    severity: "medium",
    title: "The client's X-Forwarded-For or X-Real-IP reaches the app",
    explanation:
      "When nginx is the first proxy, everything already in X-Forwarded-For or X-Real-IP was written by the client. Passing it on unchanged, or appending to it with $proxy_add_x_forwarded_for, leaves the leftmost entry under the client's control, and apps, rate limiters and audit logs that read the leftmost entry believe it.",
    fix: {
      nginx: "proxy_set_header X-Forwarded-For $remote_addr;\nproxy_set_header X-Real-IP $remote_addr;",
      django:
        "Read the client address from REMOTE_ADDR behind gunicorn's forwarded_allow_ips, or from the rightmost X-Forwarded-For entry.",
    },
  },
  check(input) {
    if (!input.nginx) return [];
    const variables = variableIndex(input.nginx);
    return oncePerLocation(appRoutes(input).flatMap((route) => checkRoute(route, variables)));
  },
};
