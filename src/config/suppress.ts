/**
 * Suppressions from the config file: a matching result stays in the report, marked, and no longer
 * counts for the exit code. Past its `expires` date a suppression stops suppressing and is reported.
 */
import type { CheckResult, Report } from "../report/model.js";
import type { SuppressionRule } from "./schema.js";

/** Today's date as YYYY-MM-DD (UTC), the form `expires` is compared in. */
export function isoToday(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** A suppression written for the date `expires` still applies on that day. */
export function hasExpired(rule: SuppressionRule, today: string): boolean {
  return rule.expires !== undefined && today > rule.expires;
}

export function expiredSuppressions(rules: readonly SuppressionRule[], today: string): SuppressionRule[] {
  return rules.filter((rule) => hasExpired(rule, today));
}

function sameTarget(a: string, b: string): boolean {
  const canonical = (text: string) => {
    try {
      return new URL(text).href;
    } catch {
      return text;
    }
  };
  return canonical(a) === canonical(b);
}

function matches(rule: SuppressionRule, check: CheckResult, reportTarget: string): boolean {
  if (rule.clause !== undefined && rule.clause !== check.clause) return false;
  if (rule.rule !== undefined && rule.rule !== check.id) return false;
  return rule.target === undefined || sameTarget(rule.target, check.target ?? reportTarget);
}

export function describeSuppression(rule: SuppressionRule): string {
  const what = rule.clause !== undefined ? `clause ${rule.clause}` : `rule ${rule.rule}`;
  return `${what}${rule.target ? ` on ${rule.target}` : ""} ("${rule.reason}")`;
}

/** Marks the results that a suppression matches; an active suppression wins over an expired one. */
export function applySuppressions(report: Report, rules: readonly SuppressionRule[], today: string): Report {
  if (rules.length === 0) return report;
  const checks = report.checks.map((check) => {
    const matching = rules.filter((rule) => matches(rule, check, report.target));
    const chosen = matching.find((rule) => !hasExpired(rule, today)) ?? matching[0];
    if (!chosen) return check;
    return {
      ...check,
      suppression: {
        reason: chosen.reason,
        ...(chosen.expires !== undefined ? { expires: chosen.expires } : {}),
        expired: hasExpired(chosen, today),
      },
    };
  });
  return { ...report, checks };
}
