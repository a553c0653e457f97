/** HSTS detail rules (includeSubDomains, preload) speak only when some path actually sends HSTS. */
import type { RuleFinding, StaticRule } from "../../rule.js";
import type { DjangoSettings } from "../../python/settings-model.js";
import { hstsSeconds } from "../../python/settings-queries.js";

function hstsOn(settings: DjangoSettings): boolean {
  return hstsSeconds(settings).some((h) => h.seconds > 0);
}

export function whenHsts(rule: StaticRule): StaticRule {
  return {
    meta: rule.meta,
    check: (input): RuleFinding[] => (input.settings && hstsOn(input.settings) ? rule.check(input) : []),
  };
}
