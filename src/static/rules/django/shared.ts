/** What every Django settings rule needs: the values to judge, with labels that say where they came from. */
import type { StaticRule, StaticRuleMeta, RuleFinding } from "../../rule.js";
import type { DjangoSettings, EnvValue, PossibleValue } from "../../python/settings-model.js";
import { describe, repr, truthy } from "../../python/values.js";

const UNSET: PossibleValue = { kind: "unset" };

/**
 * One value a setting can take, as a rule judges it: an env value is judged on its default
 * (what production gets when nobody sets the variable), and `label` says so.
 */
export interface Candidate {
  /** The value judged: the literal, or the env default; `unknown` when neither is known. */
  value: PossibleValue;
  /** "DEBUG = True" or "DEBUG from $DEBUG, default True". */
  label: string;
  env?: EnvValue;
}

function judged(value: PossibleValue): PossibleValue {
  if (value.kind !== "env") return value;
  if (value.default === undefined) return { kind: "unknown", reason: `$${value.env} has no default` };
  return judged(value.default);
}

export function candidates(settings: DjangoSettings, name: string): Candidate[] {
  const written = settings.get(name)?.values ?? [UNSET];
  // values() maps one to one onto the written values, replacing `unset` with Django's default
  return settings.values(name).map((value, i) => {
    const notSet = written[i]?.kind === "unset" && value.kind !== "unknown";
    return {
      value: judged(value),
      label: notSet ? `${name} (not set; Django's default is ${repr(value)})` : describe(name, value),
      ...(value.kind === "env" ? { env: value } : {}),
    };
  });
}

/** An env value without a default is the deployer's to set: no verdict and no error. */
export function isUndecidable(candidate: Candidate): boolean {
  return candidate.value.kind === "unknown" && !candidate.env;
}

/** The label ends with how an env value is judged, so nobody mistakes a default for a certainty. */
export function judgedOn(candidate: Candidate): string {
  return candidate.env ? " (judged on the default: what runs when the variable is unset)" : "";
}

export function isTruthy(candidate: Candidate): boolean | undefined {
  return truthy(candidate.value);
}

export function settingsRule(
  meta: StaticRuleMeta,
  check: (settings: DjangoSettings) => RuleFinding[],
): StaticRule {
  return {
    meta,
    check(input) {
      if (!input.settings) return [];
      const seen = new Set<string>();
      return check(input.settings).filter((f) => !seen.has(f.message) && seen.add(f.message));
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

/**
 * Every value SECURE_HSTS_SECONDS can take, with None read as 0 (no header); unknown values are left
 * out. SecurityMiddleware sends "max-age=%s" % the value whenever it is truthy, so a string of digits
 * counts as its number (`sentAs` holds it: "0" still sends max-age=0) and the empty string as 0.
 */
export function hstsSeconds(
  settings: DjangoSettings,
): { seconds: number; label: string; suffix: string; sentAs?: string }[] {
  return candidates(settings, "SECURE_HSTS_SECONDS").flatMap((c) => {
    const value = c.value;
    if (value.kind === "str" && /^\d*$/.test(value.value)) {
      const seconds = Number(value.value || "0");
      const sentAs = value.value === "" ? {} : { sentAs: value.value };
      return [{ seconds, label: c.label, suffix: judgedOn(c), ...sentAs }];
    }
    const seconds =
      value.kind === "int" || value.kind === "float" ? value.value : value.kind === "none" ? 0 : undefined;
    return seconds === undefined ? [] : [{ seconds, label: c.label, suffix: judgedOn(c) }];
  });
}

export const SECURITY_MIDDLEWARE = "django.middleware.security.SecurityMiddleware";

/** Some MIDDLEWARE list the settings can give surely lacks SecurityMiddleware: the SECURE_* settings then do nothing. */
export function lacksSecurityMiddleware(settings: DjangoSettings): boolean {
  return middleware(settings).some((m) => m.complete && !m.names.includes(SECURITY_MIDDLEWARE));
}

/** Every MIDDLEWARE list the settings can give is known to hold SecurityMiddleware. */
export function hasSecurityMiddleware(settings: DjangoSettings): boolean {
  const lists = middleware(settings);
  return (
    lists.length === candidates(settings, "MIDDLEWARE").length &&
    lists.every((m) => m.names.includes(SECURITY_MIDDLEWARE))
  );
}

export function middleware(
  settings: DjangoSettings,
): { label: string; names: string[]; complete: boolean }[] {
  return candidates(settings, "MIDDLEWARE").flatMap((c) => {
    const items = c.value.kind === "list" || c.value.kind === "tuple" ? c.value.items : undefined;
    if (!items) return [];
    const names = items.flatMap((i) => (i.kind === "str" ? [i.value] : []));
    return [{ label: c.label, names, complete: names.length === items.length }];
  });
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
