import type { StaticRule } from "../../rule.js";
import { redirectsToHttps } from "../../nginx/redirects.js";
import { serverBlocks, type ServerBlock } from "../../nginx/servers.js";
import { walkDirectivesIn } from "../../nginx/scope.js";
import { unredirectedVerdict } from "../unredirected-plain-http.js";
import { appRoutes, describeServer, finding } from "./shared.js";

/** Any return/rewrite to https:// in the server counts, conditional or not (e.g. `if ($scheme = http)`). */
function hasHttpsRedirect(server: ServerBlock): boolean {
  let found = false;
  walkDirectivesIn(server.scope, (directive) => {
    if (redirectsToHttps(directive)) found = true;
  });
  return found;
}

export const noHttpsRedirect: StaticRule = {
  meta: {
    id: "nginx-no-https-redirect",
    clause: "https-redirect",
    severity: "medium",
    title: "Plain HTTP on port 80 is served by the app instead of redirected",
    explanation:
      "A server listening for plain HTTP on port 80 proxies to the app without redirecting to HTTPS. When Django redirects (SECURE_SSL_REDIRECT), that costs a round trip to the app (a warning); when nothing downstream redirects, visitors who type the bare domain stay on HTTP (a failure). Without the settings the audit cannot tell, and warns.",
    fix: {
      nginx: "server { listen 80; server_name app.example.com; return 301 https://$host$request_uri; }",
      django: "SECURE_SSL_REDIRECT = True  # with SECURE_PROXY_SSL_HEADER set to the header nginx overwrites",
    },
  },
  check(input) {
    if (!input.nginx) return [];
    const proxying = new Set(appRoutes(input.nginx).map((route) => route.server));
    return serverBlocks(input.nginx).flatMap((server) => {
      if (!proxying.has(server)) return [];
      const plain80 = server.listens.find((listen) => listen.port === 80 && !listen.ssl);
      // Walking the server's blocks for a redirect costs most: asked last.
      if (!plain80 || hasHttpsRedirect(server)) return [];
      const verdict = unredirectedVerdict(
        `The ${describeServer(server)} accepts plain HTTP on port 80 and proxies it to the app without redirecting to https://`,
        input.settings,
      );
      return [finding(verdict.status, verdict.message, plain80.directive ?? server.directive)];
    });
  },
};
