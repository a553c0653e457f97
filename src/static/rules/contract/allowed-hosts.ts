/** ALLOWED_HOSTS and the names the proxy serves must agree: no '*' behind a catch-all, no served name refused. */
import type { RuleFinding } from "../../rule.js";
import { hostAllowed, proxyNameAllowed, stringItems } from "../../contract/app-side.js";
import { allRoutes, contractRule, finding } from "./shared.js";
import { candidates, judgedOn } from "../../python/settings-queries.js";

export const allowedHostsVsProxy = contractRule(
  {
    id: "contract-allowed-hosts",
    clause: "host-header",
    severity: "high",
    title: "ALLOWED_HOSTS and the proxy's host names disagree",
    explanation:
      "Unknown hosts must be stopped by one side. With ALLOWED_HOSTS = ['*'] Django accepts any Host, so a proxy that sends unknown hosts to the app (a default server, a host-less site, a frontend without a Host check) lets host header poisoning through. The other way round, a name the proxy serves (or the upstream address it puts in Host) that ALLOWED_HOSTS lacks gets 400 Bad Request for every request.",
    fix: {
      django: "ALLOWED_HOSTS = ['app.example.com']  # every name the proxy serves, never '*'",
      nginx:
        "server { listen 80 default_server; listen 443 ssl default_server; ssl_reject_handshake on; return 444; }",
      caddy: "Name the site (app.example.com { ... }) instead of a host-less address like :443.",
      haproxy: "http-request deny deny_status 421 unless { req.hdr(host),field(1,:) -i app.example.com }",
      apache:
        "# First on the address: Apache's default for unknown names\n<VirtualHost *:443>\n    ServerName default.invalid\n    SSLEngine on\n    SSLCertificateFile /etc/ssl/certs/ssl-cert-snakeoil.pem\n    SSLCertificateKeyFile /etc/ssl/private/ssl-cert-snakeoil.key\n    Redirect 421 /\n</VirtualHost>",
    },
  },
  (input) => {
    const routes = allRoutes(input);
    return candidates(input.settings, "ALLOWED_HOSTS").flatMap((c): RuleFinding[] => {
      const allowed = c.value.kind === "str" ? [c.value.value] : stringItems(c);
      if (!allowed) return [];
      const at = input.settings.locate("ALLOWED_HOSTS");
      if (allowed.includes("*")) {
        return routes
          .filter((route) => route.catchAll)
          .map((route) =>
            finding(
              "fail",
              `${c.label}, and ${route.label} sends requests for any host to the app: nothing rejects a forged Host${judgedOn(c)}.`,
              route.at,
            ),
          );
      }
      return routes.flatMap((route): RuleFinding[] => {
        const rewritten = route.hostRewrite?.host;
        if (route.hostRewrite) {
          if (rewritten === undefined || rewritten.startsWith("unix:") || hostAllowed(allowed, rewritten))
            return [];
          return [
            finding(
              "warn",
              `${route.label} sends Host ${rewritten} to the app, which ${c.label} does not allow: every request through it gets 400 Bad Request${judgedOn(c)}.`,
              route.hostRewrite.at,
            ),
          ];
        }
        return route.hosts
          .filter((name) => !proxyNameAllowed(allowed, name))
          .map((name) =>
            finding(
              "warn",
              `${route.label} serves ${name}, which ${c.label} does not allow: its requests get 400 Bad Request${judgedOn(c)}.`,
              at,
            ),
          );
      });
    });
  },
);
