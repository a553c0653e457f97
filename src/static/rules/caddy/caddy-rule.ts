/** The shape of the Caddy rules a factory makes (header-up.ts, trusted-proxies.ts): several ids, one judgement. */
import type { ClauseId } from "../../../clauses.js";
import type { CaddyConfig } from "../../caddy/model.js";
import type { RuleFinding, StaticRule } from "../../rule.js";

/** What tells apart the rules one factory makes. */
export interface RuleName {
  id: string;
  clause: ClauseId;
  title: string;
}

/** A high-severity rule over the Caddyfile, fixed in the Caddyfile; no findings without one. */
export function caddyRule(
  name: RuleName,
  explanation: string,
  fix: string,
  findings: (config: CaddyConfig) => RuleFinding[],
): StaticRule {
  return {
    meta: { ...name, severity: "high", explanation, fix: { caddy: fix } },
    check: (input) => (input.caddy ? findings(input.caddy) : []),
  };
}
