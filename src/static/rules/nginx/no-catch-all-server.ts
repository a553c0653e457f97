import type { StaticRule } from "../../rule.js";
import { forwardedHeader } from "../../nginx/routes.js";
import { defaultServers, serverBlocks, type ServerBlock } from "../../nginx/servers.js";
import { rejectsOtherHostsOn } from "../../nginx/redirects.js";
import type { DjangoSettings } from "../../python/settings-model.js";
import { candidates } from "../../python/settings-queries.js";
import { appRoutesByServer, finding } from "./shared.js";
import { describeServer } from "../../nginx/app-routes.js";

/**
 * ALLOWED_HOSTS when Django refuses every unknown Host on every branch (a list of names, no '*'), or
 * undefined: then Django answers 400 before SECURE_SSL_REDIRECT or any view runs.
 */
function strictAllowedHosts(settings: DjangoSettings | undefined): string | undefined {
  if (!settings) return undefined;
  const branches = candidates(settings, "ALLOWED_HOSTS");
  const strict = branches.every((c) => {
    const items = c.value.kind === "list" || c.value.kind === "tuple" ? c.value.items : undefined;
    return items !== undefined && items.length > 0 && items.every((i) => i.kind === "str" && i.value !== "*");
  });
  return strict && branches.length > 0 ? branches.map((c) => c.label).join(" / ") : undefined;
}

export const noCatchAllServer: StaticRule = {
  meta: {
    id: "nginx-no-catch-all-server",
    clause: "host-header",
    severity: "medium",
    title: "Requests for unknown hosts reach the app",
    explanation:
      "nginx sends a request whose Host matches no server_name to the default server of that address and port: the one marked default_server, or else the first one listed. When that server proxies to Django, any Host reaches the app, and only ALLOWED_HOSTS stands between an attacker and poisoned password-reset links and cache entries: a failure, or a warning when the settings show ALLOWED_HOSTS names every host (Django then answers 400 before its HTTPS redirect or any view).",
    fix: {
      nginx:
        "server { listen 80 default_server; listen 443 ssl default_server; ssl_reject_handshake on; return 444; }",
      django: "ALLOWED_HOSTS = ['app.example.com']",
    },
  },
  check(input) {
    if (!input.nginx) return [];
    const routesOf = appRoutesByServer(input);
    const allowed = strictAllowedHosts(input.settings);
    // ALLOWED_HOSTS can refuse an unknown Host only when the server passes the client's Host on.
    const passesClientHost = (server: ServerBlock) =>
      (routesOf.get(server) ?? []).every((route) => {
        const host = forwardedHeader(route, "Host");
        return host.source === "set" && /^\$(host|http_host)$/.test(host.value);
      });
    return (
      [...defaultServers(serverBlocks(input.nginx))]
        // An allowlist in the server block, or in every location that proxies to the app, keeps other hosts off.
        .filter(([, server]) => (routesOf.get(server) ?? []).some((route) => !rejectsOtherHostsOn(route)))
        .map(([key, server]) => {
          const listen = server.listens.find((l) => l.key === key)?.directive ?? server.directive;
          const how = server.listens.some((l) => l.key === key && l.defaultServer)
            ? "marked default_server"
            : "the first server listed";
          const reaches = `On ${key} the default server is the ${describeServer(server)} (${how}), and it proxies to the app: a request with any Host reaches Django.`;
          return allowed && passesClientHost(server)
            ? finding(
                "warn",
                `${reaches} ${allowed} refuses them with 400 before anything else runs; a default_server for ${key} that rejects unknown hosts keeps them off the app.`,
                listen,
              )
            : finding(
                "fail",
                `${reaches} Add a default_server for ${key} that rejects unknown hosts.`,
                listen,
              );
        })
    );
  },
};
