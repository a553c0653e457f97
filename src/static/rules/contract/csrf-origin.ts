/**
 * Django accepts a POST's Origin when it equals scheme://Host as Django sees them, or is listed in
 * CSRF_TRUSTED_ORIGINS. A rewritten Host, or a scheme Django does not learn, needs the listing.
 */
import type { RuleFinding } from "../../rule.js";
import { schemeReaders, stringItems } from "../../contract/app-side.js";
import type { AppRoute } from "../../contract/proxy-view.js";
import { allRoutes, contractRule, finding, type ContractInput } from "./shared.js";
import { schemeLost } from "../../contract/scheme.js";
import { candidates, judgedOn } from "../../python/settings-queries.js";

/** Why the browser's Origin differs from what Django expects on this route, if it does. */
function mismatch(input: ContractInput, route: AppRoute): string | undefined {
  if (route.hostRewrite) return `the proxy sends Host ${route.hostRewrite.value}`;
  const lost = schemeReaders(input.settings, input.gunicorn, input.appServers)
    .map((reader) => schemeLost(reader, route))
    .find((why) => why !== undefined);
  return lost ? `Django sees HTTPS requests as http (${lost})` : undefined;
}

function trusts(origins: string[], host: string): boolean {
  const bare = host.toLowerCase();
  return origins.some((origin) => {
    const match = /^https:\/\/([^/:]+)(:\d+)?$/i.exec(origin);
    const trusted = match?.[1]?.toLowerCase();
    if (!trusted) return false;
    return trusted === bare || (trusted.startsWith("*.") && bare.endsWith(trusted.slice(1)));
  });
}

export const csrfOriginVsProxy = contractRule(
  {
    id: "contract-csrf-origin",
    clause: "csrf-origin",
    severity: "high",
    title: "Real users' POSTs fail the CSRF Origin check",
    explanation:
      "Django's CSRF check compares the browser's Origin (https://app.example.com) with the scheme and Host it sees itself. When the proxy replaces Host with the upstream's address, or Django cannot tell the request came over HTTPS, the two never match and every form POST fails with 'CSRF verification failed' unless the origin is listed in CSRF_TRUSTED_ORIGINS.",
    fix: {
      django:
        "CSRF_TRUSTED_ORIGINS = ['https://app.example.com']  # and fix the proxy so Host and scheme arrive intact",
      nginx: "proxy_set_header Host $host;\nproxy_set_header X-Forwarded-Proto $scheme;",
      caddy: "Remove `header_up Host {upstream_hostport}` and `header_up -X-Forwarded-Proto`.",
      haproxy: "Remove `http-request set-header Host ...`; set X-Forwarded-Proto https if { ssl_fc }.",
      apache: "ProxyPreserveHost On\nRequestHeader set X-Forwarded-Proto expr=%{REQUEST_SCHEME}",
    },
  },
  (input) => {
    const routes = allRoutes(input).filter((route) => route.traffic.includes("tls"));
    return candidates(input.settings, "CSRF_TRUSTED_ORIGINS").flatMap((c): RuleFinding[] => {
      const origins = stringItems(c);
      if (!origins) return [];
      return routes.flatMap((route): RuleFinding[] => {
        const why = mismatch(input, route);
        if (!why) return [];
        const names = route.hosts.filter((name) => !name.startsWith("*") && !name.startsWith("."));
        const refused = names.filter((name) => !trusts(origins, name));
        if (names.length === 0 && route.catchAll && origins.length === 0) {
          return [
            finding(
              "fail",
              `${route.label}: ${why}, and ${c.label}: every HTTPS form POST is refused${judgedOn(c)}.`,
              route.at,
            ),
          ];
        }
        return refused.map((name) =>
          finding(
            "fail",
            `${route.label}: ${why}, and ${c.label} lacks 'https://${name}': every HTTPS form POST to ${name} is refused${judgedOn(c)}.`,
            route.at,
          ),
        );
      });
    });
  },
);
