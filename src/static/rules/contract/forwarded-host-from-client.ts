/** USE_X_FORWARDED_HOST / USE_X_FORWARDED_PORT are safe only when the proxy owns those headers on every route. */
import type { ClauseId } from "../../../clauses.js";
import type { StaticRule } from "../../rule.js";
import { allRoutes, clientCopies, contractRule, describeCopy, finding } from "./shared.js";
import { candidates, isTruthy, judgedOn } from "../../python/settings-queries.js";

function forwardedRule(
  id: string,
  setting: string,
  header: string,
  harm: string,
  proxyFix: Record<"nginx" | "caddy" | "haproxy" | "apache", string>,
): StaticRule {
  const clause: ClauseId = "forwarded-host";
  return contractRule(
    {
      id,
      clause,
      severity: "high",
      title: `${setting} trusts a header the client can send`,
      explanation: `With ${setting} = True Django takes ${header} as the truth. Unless the proxy overwrites or removes it on every route to the app, a client sends its own: ${harm}`,
      fix: { django: `${setting} = False  # unless the proxy overwrites ${header} everywhere`, ...proxyFix },
    },
    (input) => {
      const copies = clientCopies(allRoutes(input), header, true);
      return candidates(input.settings, setting)
        .filter((c) => isTruthy(c) === true)
        .flatMap((c) =>
          copies.map((copy) =>
            finding(
              copy.fate.onlyWhen ? "warn" : "fail",
              `${c.label}, and ${describeCopy(copy)}: ${harm}${judgedOn(c)}.`,
              copy.fate.at,
            ),
          ),
        );
    },
  );
}

export const forwardedHostFromClient = forwardedRule(
  "contract-forwarded-host-from-client",
  "USE_X_FORWARDED_HOST",
  "X-Forwarded-Host",
  "request.get_host(), and with it password-reset links and redirects, can name any host ALLOWED_HOSTS accepts",
  {
    nginx: "proxy_set_header X-Forwarded-Host $host;",
    caddy: "Drop trusted_proxies (or narrow it): reverse_proxy then writes X-Forwarded-Host itself.",
    haproxy: "http-request set-header X-Forwarded-Host %[req.hdr(host)]",
    apache: "# mod_proxy_http then adds only the real Host\nRequestHeader unset X-Forwarded-Host early",
  },
);

export const forwardedPortFromClient = forwardedRule(
  "contract-forwarded-port-from-client",
  "USE_X_FORWARDED_PORT",
  "X-Forwarded-Port",
  "the port in absolute URLs is the client's choice",
  {
    nginx: "proxy_set_header X-Forwarded-Port $server_port;",
    caddy: 'header_up X-Forwarded-Port "{http.request.port}"',
    haproxy: "http-request set-header X-Forwarded-Port %[dst_port]",
    apache: "RequestHeader set X-Forwarded-Port expr=%{SERVER_PORT}",
  },
);
