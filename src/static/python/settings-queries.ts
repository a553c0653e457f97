/**
 * Queries over Django settings that rules and the contract's views share: the values a setting can take
 * (an env value judged on its default, with a label saying so), and what a few settings mean together.
 */
import type { DjangoSettings, EnvValue, PossibleValue } from "./settings-model.js";
import { describe, repr, truthy } from "./values.js";

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

/** SECURE_PROXY_SSL_HEADER set on every path: Django reads the scheme header itself, not wsgi.url_scheme. */
export function djangoReadsSchemeHeader(input: { settings?: DjangoSettings }): boolean {
  const values = input.settings?.values("SECURE_PROXY_SSL_HEADER");
  return (
    values !== undefined && values.length > 0 && values.every((v) => v.kind === "tuple" || v.kind === "list")
  );
}

/** SECURE_HSTS_SECONDS > 0 on every path: Django sends HSTS on the requests it knows are https. */
export function djangoHstsPositive(input: { settings?: DjangoSettings }): boolean {
  const values = input.settings?.values("SECURE_HSTS_SECONDS");
  return values !== undefined && values.length > 0 && values.every((v) => v.kind === "int" && v.value > 0);
}

/** The host names written in an ALLOWED_HOSTS list (or any list candidate). */
export interface HostEntries {
  /** Entries known as strings; an entry read from the environment counts by its default. */
  hosts: string[];
  /** Why some entry could not be read (an f-string, a call): it may be '*' for all we know. */
  unread?: string;
  /** Some host is an environment variable's default, not a literal. */
  fromDefault: boolean;
}

/** The entries of a list or tuple candidate; none for any other value. */
export function hostEntries(c: Candidate): HostEntries {
  const entries: HostEntries = { hosts: [], fromDefault: false };
  if (c.value.kind !== "list" && c.value.kind !== "tuple") return entries;
  for (const item of c.value.items) {
    // An entry from the environment without a default is the deployer's to set, as a whole value is.
    const value = item.kind === "env" ? item.default : item;
    if (value?.kind === "str") {
      entries.hosts.push(value.value);
      entries.fromDefault ||= item.kind === "env";
    } else if (value?.kind === "unknown") entries.unread ??= value.reason;
  }
  return entries;
}
