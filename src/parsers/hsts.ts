/**
 * Strict-Transport-Security as a browser reads it (RFC 6797 §6.1): directive names are
 * case-insensitive, values are tokens or quoted strings, and a value that is neither, a value on
 * includeSubDomains, a repeated directive or a missing max-age makes the whole header invalid (as in
 * Chromium); unknown directives are otherwise ignored.
 */

import { HTTP_TOKEN } from "../http-syntax.js";

export type HstsPolicy =
  | { valid: true; maxAge: number; includeSubDomains: boolean; preload: boolean }
  | { valid: false; error: string };

function unquote(value: string): string | undefined {
  if (!value.startsWith('"')) return HTTP_TOKEN.test(value) ? value : undefined;
  if (value.length < 2 || !value.endsWith('"')) return undefined;
  return value.slice(1, -1).replace(/\\(.)/g, "$1");
}

/** Splits on ';' outside quoted strings. */
function directives(header: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < header.length; i++) {
    const ch = header[i] as string;
    if (ch === "\\" && quoted) {
      current += ch + (header[i + 1] ?? "");
      i++;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (ch === ";" && !quoted) {
      parts.push(current);
      current = "";
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== "");
}

export function parseHsts(header: string): HstsPolicy {
  const seen = new Set<string>();
  let maxAge: number | undefined;
  for (const directive of directives(header)) {
    const eq = directive.indexOf("=");
    const name = (eq === -1 ? directive : directive.slice(0, eq)).trim().toLowerCase();
    const rawValue = eq === -1 ? undefined : directive.slice(eq + 1).trim();
    if (!HTTP_TOKEN.test(name)) return { valid: false, error: `malformed directive '${directive}'` };
    if (seen.has(name)) return { valid: false, error: `directive '${name}' appears twice` };
    seen.add(name);
    const value = rawValue === undefined ? undefined : unquote(rawValue);
    // Browsers ignore a header that does not follow the grammar, an unknown directive's value included.
    if (rawValue !== undefined && value === undefined)
      return { valid: false, error: `the value of '${name}' is neither a token nor a quoted string` };
    if (name === "includesubdomains" && rawValue !== undefined)
      return { valid: false, error: "includeSubDomains takes no value" };
    if (name === "max-age") {
      if (value === undefined || !/^\d+$/.test(value)) {
        return { valid: false, error: `max-age '${rawValue ?? ""}' is not a number of seconds` };
      }
      maxAge = Number(value);
    }
  }
  if (maxAge === undefined) return { valid: false, error: "max-age is missing" };
  return {
    valid: true,
    maxAge,
    includeSubDomains: seen.has("includesubdomains"),
    preload: seen.has("preload"),
  };
}

export const ONE_YEAR_SECONDS = 31_536_000;

/** Below this max-age (six months) HSTS is a failure, where Mozilla's Observatory fails it too. */
const SIX_MONTHS_SECONDS = 15_768_000;

export interface HstsStrength {
  status: "pass" | "warn" | "fail";
  /** What is wrong, worst first: "max-age=300 is below six months (15768000 s)". */
  problems: string[];
}

/** How well a valid policy protects: fail under six months, warn under a year or without includeSubDomains. */
export function hstsStrength(policy: { maxAge: number; includeSubDomains: boolean }): HstsStrength {
  const problems: string[] = [];
  let status: HstsStrength["status"] = "pass";
  if (policy.maxAge === 0) {
    problems.push("max-age=0 tells browsers to forget HSTS");
    status = "fail";
  } else if (policy.maxAge < SIX_MONTHS_SECONDS) {
    problems.push(`max-age=${policy.maxAge} is below six months (${SIX_MONTHS_SECONDS} s)`);
    status = "fail";
  } else if (policy.maxAge < ONE_YEAR_SECONDS) {
    problems.push(`max-age=${policy.maxAge} is below a year (${ONE_YEAR_SECONDS} s)`);
    status = "warn";
  }
  if (!policy.includeSubDomains) {
    problems.push("no includeSubDomains, so sibling hosts can still be downgraded");
    if (status === "pass") status = "warn";
  }
  return { status, problems };
}

type HstsWeakness = Readonly<{ status: "warn" | "fail"; problems: readonly string[] }> | undefined;

/** Verdicts by value: a configuration of thousands of sites writes the same HSTS line in each. */
const weaknessByValue = new Map<string, HstsWeakness>();
const VALUES_REMEMBERED = 1024;

/** The verdict on a configured HSTS value as browsers read it, or undefined when it protects well. */
export function hstsValueWeakness(value: string): HstsWeakness {
  if (weaknessByValue.has(value)) return weaknessByValue.get(value);
  const weakness = judgeHstsValue(value);
  if (weaknessByValue.size < VALUES_REMEMBERED) weaknessByValue.set(value, weakness);
  return weakness;
}

function judgeHstsValue(value: string): HstsWeakness {
  // A value built from proxy variables ($var, %[...], {placeholder}) cannot be read statically.
  if (/[$%{]/.test(value)) return undefined;
  const policy = parseHsts(value);
  if (!policy.valid) return { status: "fail", problems: [`browsers ignore it (${policy.error})`] };
  const strength = hstsStrength(policy);
  return strength.status === "pass" ? undefined : { status: strength.status, problems: strength.problems };
}
