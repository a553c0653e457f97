/** What every Django settings rule needs: findings located at the setting, and the common shapes of check. */
import type { AuditInput, StaticRule, StaticRuleMeta, RuleFinding } from "../../rule.js";
import type { DjangoSettings } from "../../python/settings-model.js";
import { candidates, isTruthy, judgedOn, middleware, type Candidate } from "../../python/settings-queries.js";

export function settingsRule(
  meta: StaticRuleMeta,
  check: (settings: DjangoSettings, input: AuditInput) => RuleFinding[],
): StaticRule {
  return {
    meta,
    check(input) {
      if (!input.settings) return [];
      const seen = new Set<string>();
      return check(input.settings, input).filter((f) => !seen.has(f.message) && seen.add(f.message));
    },
  };
}

export function finding(
  settings: DjangoSettings,
  name: string,
  status: RuleFinding["status"],
  message: string,
): RuleFinding {
  return { status, message, location: settings.locate(name) };
}

/** A finding for values the evaluator could not resolve, for rules where that hides a real risk. */
export function undecided(
  settings: DjangoSettings,
  name: string,
  candidate: Candidate,
  risk: string,
): RuleFinding {
  const reason = candidate.value.kind === "unknown" ? candidate.value.reason : "not known statically";
  return finding(settings, name, "error", `${name} could not be read statically (${reason}); ${risk}`);
}

/** Boolean settings with the same shape of check: "X must be True (Django default D)". */
export function booleanRule(
  meta: StaticRuleMeta,
  name: string,
  expected: boolean,
  status: RuleFinding["status"],
  consequence: string,
): StaticRule {
  return settingsRule(meta, (settings) =>
    candidates(settings, name).flatMap((c) => {
      const value = isTruthy(c);
      if (value === undefined || value === expected) return [];
      return [finding(settings, name, status, `${c.label}: ${consequence}${judgedOn(c)}.`)];
    }),
  );
}

/** Findings for MIDDLEWARE lists (every possible one) that lack `dotted`. */
export function missingMiddleware(
  settings: DjangoSettings,
  dotted: string,
  status: RuleFinding["status"],
  consequence: string,
): RuleFinding[] {
  return middleware(settings)
    .filter((m) => m.complete && !m.names.includes(dotted))
    .map(() =>
      finding(settings, "MIDDLEWARE", status, `MIDDLEWARE does not include ${dotted}: ${consequence}.`),
    );
}
