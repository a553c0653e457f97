import type { StaticRule } from "../../rule.js";
import { plainReach } from "../../nginx/redirects.js";
import { serverBlocks } from "../../nginx/servers.js";
import { variableIndex } from "../../nginx/variables.js";
import { meantForPlainHttp, plainTakenForHttps, unredirectedVerdict } from "../unredirected-plain-http.js";
import { viewedRoute } from "../../contract/nginx-view.js";
import { appRoutesByServer, finding } from "./shared.js";
import { appServerEndpoints } from "../../appserver/endpoints.js";
import { describeServer } from "../../nginx/app-routes.js";

/** The path of a prefix or exact location (`/healthz`, `= /healthz`, `^~ /.well-known/`); "" otherwise. */
function literalPath(location: string): string {
  const [first = "", second = ""] = location.split(/\s+/);
  if (first.startsWith("/")) return first;
  return first === "=" || first === "^~" ? second : "";
}

export const noHttpsRedirect: StaticRule = {
  meta: {
    id: "nginx-no-https-redirect",
    clause: "https-redirect",
    severity: "medium",
    title: "Plain HTTP on port 80 is served by the app instead of redirected",
    explanation:
      "A server listening for plain HTTP on port 80 proxies to the app without redirecting to HTTPS. When Django redirects (SECURE_SSL_REDIRECT), that costs a round trip to the app (a warning); when nothing downstream redirects, visitors who type the bare domain stay on HTTP (a failure). That includes a server that sets X-Forwarded-Proto (or the header Django reads) to a literal https on plain HTTP: Django takes every request for secure and SECURE_SSL_REDIRECT never fires. Without the settings the audit cannot tell, and warns.",
    fix: {
      nginx: "server { listen 80; server_name app.example.com; return 301 https://$host$request_uri; }",
      django: "SECURE_SSL_REDIRECT = True  # with SECURE_PROXY_SSL_HEADER set to the header nginx overwrites",
    },
  },
  check(input) {
    if (!input.nginx) return [];
    const { nginx, settings } = input;
    const variables = variableIndex(nginx);
    const routesOf = appRoutesByServer(input);
    const endpoints = appServerEndpoints(input);
    return serverBlocks(nginx).flatMap((server) => {
      const plain80 = server.listens.find((listen) => listen.port === 80 && !listen.ssl);
      if (!plain80) return [];
      const own = routesOf.get(server) ?? [];
      // Judged per route: a redirect in one location, or under an `if ($host = ...)`, leaves the others plain.
      // A health check or ACME path kept on plain HTTP (location = /healthz) is meant to be.
      const unredirected = own.filter(
        (route) =>
          plainReach(route, variables) === "everyone" && !meantForPlainHttp(literalPath(route.location)),
      );
      if (unredirected.length === 0) return [];
      const where =
        unredirected.length === own.length
          ? ""
          : ` in ${unredirected.map((route) => (route.location === "" ? "the server block" : `location ${route.location}`)).join(", ")}`;
      // A literal https in the header Django reads hides plain HTTP from SECURE_SSL_REDIRECT.
      const viewed = unredirected.flatMap((route) => viewedRoute(nginx, endpoints, route) ?? []);
      const verdict = unredirectedVerdict(
        `The ${describeServer(server)} accepts plain HTTP on port 80 and proxies it to the app${where} without redirecting to https://`,
        settings,
        settings && plainTakenForHttps({ ...input, settings }, viewed),
      );
      return [finding(verdict.status, verdict.message, plain80.directive ?? server.directive)];
    });
  },
};
