/** The shape of the frontend-level rules: one judgement per HTTP frontend that proxies, with its backends. */
import type { AuditInput, RuleFinding, StaticRule, StaticRuleMeta } from "../../rule.js";
import type { HaproxyConfig, HaproxySection } from "../../haproxy/model.js";
import { backendsOf, httpEntryPoints } from "../../haproxy/queries.js";

/** A rule that looks at each HTTP frontend that proxies, with its backends. */
export function entryPointRule(
  meta: StaticRuleMeta,
  judge: (
    config: HaproxyConfig,
    entry: HaproxySection,
    backends: HaproxySection[],
    input: AuditInput,
  ) => Omit<RuleFinding, "location"> | undefined,
): StaticRule {
  return {
    meta,
    check(input: AuditInput): RuleFinding[] {
      const config = input.haproxy;
      if (!config) return [];
      return httpEntryPoints(config).flatMap((entry) => {
        const verdict = judge(config, entry, backendsOf(config, entry), input);
        return verdict ? [{ ...verdict, location: { file: entry.file, line: entry.line } }] : [];
      });
    },
  };
}

export const entryLabel = (entry: HaproxySection) => `${entry.kind} ${entry.name ?? ""}`.trim();
