/**
 * header_up runs after reverse_proxy has written its own X-Forwarded-* headers, so it can put a client's
 * value back (`{http.request.header.X-Forwarded-Proto}`) or replace Host with the upstream's address.
 * The header_up lines the rules read, and the rule shape for a client value copied into a forwarding header.
 */
import type { ClauseId } from "../../../clauses.js";
import type { RuleFinding, StaticRule } from "../../rule.js";
import type { CaddyConfig, CaddyDirective } from "../../caddy/model.js";
import {
  matcherOf,
  onlyPeers,
  proxiesWithMatchers,
  reverseProxies,
  subdirectives,
} from "../../caddy/queries.js";
import { caddyRule } from "./caddy-rule.js";

interface HeaderUp {
  directive: CaddyDirective;
  proxy: CaddyDirective;
  field: string;
  value: string | undefined;
  /** The peers the proxy's matcher limits it to (`@balancer remote_ip 10.20.0.0/16`), if it does. */
  peers?: { ranges: string[]; matcher: string };
}

export function headerUps(config: CaddyConfig): HeaderUp[] {
  const found: HeaderUp[] = [];
  for (const site of config.sites) {
    const matchers = new Map(proxiesWithMatchers(site).map((found) => [found.directive, found.path]));
    for (const proxy of reverseProxies(site)) {
      const token = matchers.get(proxy);
      const ranges = token ? onlyPeers(matcherOf(site, token)) : undefined;
      for (const directive of subdirectives(proxy, "header_up")) {
        const [field, value, replacement] = directive.args;
        // `-Field` deletes, `+Field` appends after Caddy's own value, and three arguments are a regex replace.
        if (!field || field.startsWith("-") || field.startsWith("+") || replacement !== undefined) continue;
        found.push({
          directive,
          proxy,
          field: field.toLowerCase(),
          value,
          ...(ranges && token ? { peers: { ranges, matcher: token } } : {}),
        });
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

export function clientValueRule(
  id: string,
  clause: ClauseId,
  fields: string[],
  title: string,
  harm: string,
): StaticRule {
  return caddyRule(
    { id, clause, title },
    `reverse_proxy overwrites the forwarding headers with what it knows about the connection; a header_up that copies a request header back into them hands the choice to the client. ${harm}`,
    `Delete the header_up line for ${fields.map(titleCase).join(" / ")}: Caddy already sets the right value.`,
    (config) =>
      headerUps(config).flatMap(({ directive, field, value, peers }): RuleFinding[] => {
        const source = value === undefined ? undefined : clientHeaderIn(value);
        if (!fields.includes(field) || source === undefined) return [];
        const only = peers
          ? ` Only peers in ${peers.ranges.join(" ")} reach this reverse_proxy (${peers.matcher}), so only they choose it: trust them to overwrite it.`
          : ` ${harm}`;
        return [
          {
            status: peers ? "warn" : "fail",
            message: `header_up ${directive.args[0]} ${value} forwards the client's ${source} header.${only}`,
            location: { file: directive.file, line: directive.line },
          },
        ];
      }),
  );
}

function titleCase(field: string): string {
  return field.replace(/(^|-)([a-z])/g, (_m, dash: string, letter: string) => dash + letter.toUpperCase());
}
