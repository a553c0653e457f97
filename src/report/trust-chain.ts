/**
 * What each proxy tier does with the forwarding headers Django believes, read from the results
 * of the clauses that test them: a scan proves it from outside, an audit reads it from configs.
 */
import type { ClauseId } from "../clauses.js";
import type { CheckResult, Report } from "./model.js";

/**
 * guarded: the proxy sets, overwrites or filters the header, so the client's value never counts;
 * passed: the client's value reaches the app; missing: the proxy never sends what the app needs;
 * unknown: not checked, or could not be decided.
 */
export type HopState = "guarded" | "passed" | "missing" | "unknown";

export interface HeaderHop {
  header: string;
  state: HopState;
  /** One sentence for a reader who never ran the tool. */
  meaning: string;
  /** The results this was read from. */
  basis: CheckResult[];
}

interface HeaderRule {
  header: string;
  /** A failure here means the client's value passes through. */
  passThrough: ClauseId;
  /** A failure here means the proxy does not send the header at all. */
  absence?: ClauseId;
  guarded: string;
  passed: string;
  missing?: string;
  unchecked: string;
}

const HEADER_RULES: HeaderRule[] = [
  {
    header: "X-Forwarded-Proto",
    passThrough: "spoofed-proto",
    absence: "scheme",
    guarded: "set by the proxy from the real connection; a client's copy is replaced",
    passed: "a client's copy reaches the app, so plain HTTP can claim to be HTTPS",
    missing: "the app is never told the request came over HTTPS",
    unchecked: "not checked",
  },
  {
    header: "X-Forwarded-Host",
    passThrough: "forwarded-host",
    guarded: "a client's copy is dropped or replaced; it never becomes the app's host",
    passed: "a client's copy becomes the app's idea of its own host",
    unchecked: "not checked",
  },
  {
    header: "X-Forwarded-For",
    passThrough: "client-ip",
    guarded: "the proxy writes the real peer address; a client's copy is not believed",
    passed: "a client's copy becomes the client address the app logs and rate-limits by",
    unchecked: "not checked (the scan needs the probe middleware: --probe-token)",
  },
  {
    header: "Host",
    passThrough: "host-header",
    guarded: "unknown hosts are rejected at the proxy; only the site's own names reach the app",
    passed: "any Host the client sends is passed to the app",
    unchecked: "not checked",
  },
];

const FAILING = new Set(["fail", "warn"]);

function inClause(report: Report, id: ClauseId | undefined): CheckResult[] {
  return id === undefined ? [] : report.checks.filter((c) => c.clause === id);
}

function hopFor(rule: HeaderRule, report: Report): HeaderHop {
  const through = inClause(report, rule.passThrough);
  const absent = inClause(report, rule.absence);
  const failing = (checks: CheckResult[]) => checks.filter((c) => FAILING.has(c.status));
  const hop = (state: HopState, meaning: string, basis: CheckResult[]): HeaderHop => ({
    header: rule.header,
    state,
    meaning,
    basis,
  });
  if (failing(through).length) return hop("passed", rule.passed, failing(through));
  if (rule.missing && failing(absent).length) return hop("missing", rule.missing, failing(absent));
  const passed = through.filter((c) => c.status === "pass");
  if (passed.length) return hop("guarded", rule.guarded, passed);
  // An audit lists findings only: no finding is not a proof.
  const unchecked = report.command === "audit" ? "no finding in the configuration read" : rule.unchecked;
  return hop("unknown", unchecked, [...through, ...absent]);
}

export function trustChain(report: Report): HeaderHop[] {
  return HEADER_RULES.map((rule) => hopFor(rule, report));
}
