/**
 * header_up runs after reverse_proxy has written its own X-Forwarded-* headers, so it can put a client's
 * value back (`{http.request.header.X-Forwarded-Proto}`) or replace Host with the upstream's address.
 */
import type { ClauseId } from "../../../clauses.js";
import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";
import type { CaddyConfig, CaddyDirective } from "../../caddy/model.js";
import { reverseProxies, subdirectives, upstreamsOf } from "../../caddy/queries.js";
import { classifyHost, hostOfAddress } from "../../gunicorn/addresses.js";

interface HeaderUp {
  directive: CaddyDirective;
  proxy: CaddyDirective;
  field: string;
  value: string | undefined;
}

function headerUps(config: CaddyConfig): HeaderUp[] {
  const found: HeaderUp[] = [];
  for (const site of config.sites) {
    for (const proxy of reverseProxies(site)) {
      for (const directive of subdirectives(proxy, "header_up")) {
        const [field, value, replacement] = directive.args;
        // `-Field` deletes, `+Field` appends after Caddy's own value, and three arguments are a regex replace.
        if (!field || field.startsWith("-") || field.startsWith("+") || replacement !== undefined) continue;
        found.push({ directive, proxy, field: field.toLowerCase(), value });
      }
    }
  }
  return found;
}

/** Placeholders for request headers other than Host carry whatever the client sent. */
function clientHeaderIn(value: string): string | undefined {
  const match = /\{(?:http\.request\.header|header)\.([A-Za-z0-9_-]+)\}/.exec(value);
  return match?.[1] && match[1].toLowerCase() !== "host" ? match[1] : undefined;
}

function clientValueRule(
  id: string,
  clause: ClauseId,
  fields: string[],
  title: string,
  harm: string,
): StaticRule {
  return {
    meta: {
      id,
      clause,
      severity: "high",
      title,
      explanation: `reverse_proxy overwrites the forwarding headers with what it knows about the connection; a header_up that copies a request header back into them hands the choice to the client. ${harm}`,
      fix: {
        caddy: `Delete the header_up line for ${fields.map(titleCase).join(" / ")}: Caddy already sets the right value.`,
      },
    },
    check(input: AuditInput): RuleFinding[] {
      if (!input.caddy) return [];
      return headerUps(input.caddy).flatMap(({ directive, field, value }): RuleFinding[] => {
        const source = value === undefined ? undefined : clientHeaderIn(value);
        if (!fields.includes(field) || source === undefined) return [];
        return [
          {
            status: "fail",
            message: `header_up ${directive.args[0]} ${value} forwards the client's ${source} header. ${harm}`,
            location: { file: directive.file, line: directive.line },
          },
        ];
      });
    },
  };
}

function titleCase(field: string): string {
  return field.replace(/(^|-)([a-z])/g, (_m, dash: string, letter: string) => dash + letter.toUpperCase());
}

export const caddyHeaderUpClientProto = clientValueRule(
  "caddy-header-up-client-proto",
  "spoofed-proto",
  [
    "x-forwarded-proto",
    "x-forwarded-ssl",
    "x-forwarded-protocol",
    "x-forwarded-scheme",
    "x-scheme",
    "forwarded",
  ],
  "header_up copies the client's scheme header",
  "A plain-HTTP request can claim to be https: secure cookies and the HTTPS redirect stop meaning anything.",
);

export const caddyHeaderUpClientHost = clientValueRule(
  "caddy-header-up-client-host",
  "forwarded-host",
  ["x-forwarded-host", "host"],
  "header_up copies a client header into the host Django sees",
  "With USE_X_FORWARDED_HOST (or for Host itself) the client decides request.get_host(): reset links and redirects can point anywhere ALLOWED_HOSTS allows.",
);

export const caddyHeaderUpClientIp = clientValueRule(
  "caddy-header-up-client-ip",
  "client-ip",
  ["x-forwarded-for", "x-real-ip", "x-client-ip", "true-client-ip"],
  "header_up copies the client's address header",
  "Anyone can choose the client address the app logs and rate-limits by.",
);

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
