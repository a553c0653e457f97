import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";
import { upstreamsOf } from "../../caddy/queries.js";
import { classifyHost, hostOfAddress } from "../../gunicorn/addresses.js";
import { headerUps } from "./header-up.js";

const UPSTREAM_HOST_PLACEHOLDERS = [
  "{upstream_hostport}",
  "{http.reverse_proxy.upstream.hostport}",
  "{http.reverse_proxy.upstream.host}",
];

export const caddyHeaderUpHostUpstream: StaticRule = {
  meta: {
    id: "caddy-header-up-host-upstream",
    clause: "csrf-origin",
    severity: "high",
    title: "header_up Host replaces the site's host with the upstream's",
    explanation:
      "Caddy passes Host as the client sent it. Setting it to the upstream's address makes Django see a host that is not the site's: the CSRF Origin check fails for every real POST (Origin https://app.example.com against Host app:8000), ALLOWED_HOSTS must list an internal name, and absolute URLs point at the backend.",
    fix: {
      caddy:
        "Remove `header_up Host {upstream_hostport}`; keep Caddy's default of passing the client's Host.",
      django: "ALLOWED_HOSTS and CSRF_TRUSTED_ORIGINS should then list only the public name.",
    },
  },
  check(input: AuditInput): RuleFinding[] {
    if (!input.caddy) return [];
    return headerUps(input.caddy).flatMap(({ directive, proxy, field, value }): RuleFinding[] => {
      if (field !== "host" || value === undefined) return [];
      const upstreamHosts = upstreamsOf(proxy).map(hostOfAddress);
      const literalHost = hostOfAddress(value);
      const pointsAtUpstream =
        UPSTREAM_HOST_PLACEHOLDERS.some((p) => value.includes(p)) ||
        upstreamHosts.includes(literalHost) ||
        ["loopback", "private"].includes(classifyHost(literalHost));
      if (!pointsAtUpstream) return [];
      return [
        {
          status: "fail",
          message: `header_up Host ${value} sends the upstream's address as Host: Django's CSRF Origin check and ALLOWED_HOSTS see the backend, not the site`,
          location: { file: directive.file, line: directive.line },
        },
      ];
    });
  },
};
