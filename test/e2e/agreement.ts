/**
 * The clause-by-clause comparison of a live scan and a static audit of the same real stack: whatever
 * the scan proves broken by sending requests, the audit must flag from the very files the stack runs;
 * both fail the same clauses but for the differences documented here (for every stack) or by the
 * caller (for one stack), each with its reason; and on a healthy stack the audit must not cry wolf.
 *
 * Where each stack the end-to-end suite starts is compared:
 * - the proxy variants (nginx, Caddy, HAProxy, Apache; healthy, passthrough, loop, hostrewrite), which
 *   most other e2e files also start: audit-stacks.test.ts;
 * - uvicorn, daphne, uWSGI and waitress behind nginx, and mod_wsgi in Apache: app-servers.test.ts;
 * - the stacks `init` writes: init.test.ts (the scan passes every clause, the audit finds nothing);
 * - PROXY protocol listeners, mutual TLS to the origin, gunicorn terminating TLS alone, and the HAProxy
 *   fixes.test.ts repairs: audit-links.test.ts.
 * Not compared: the plain-HTTP gunicorn origins.test.ts leaves open next to a healthy stack (an origin,
 * not a site: whether it can be reached is origin-exposure, which a loopback bind cannot show), and the
 * Node servers hostile.test.ts writes to misbehave on purpose (no Django, no files to audit).
 */
import assert from "node:assert/strict";
import { CLAUSE_IDS, type ClauseId } from "../../src/clauses.js";
import type { ProxyName, RunningStack } from "../../stacks/index.js";
import { runCli, type CliResult, type JsonCheck } from "./run-cli.js";

export interface Check extends JsonCheck {
  clause: ClauseId;
}

/** A clause one stack's scan fails while its audit only warns, or says nothing, and why the files cannot say more. */
export interface Difference {
  audit: "warns" | "says nothing";
  why: string;
}

export type Differences = Partial<Record<ClauseId, Difference>>;

/** What one stack's comparison knows beyond the rules for every stack. */
export interface StackNotes {
  differences?: Differences;
  /** Clauses excluded for every stack that this stack's files do decide, and why. */
  decided?: Partial<Record<ClauseId, string>>;
}

/**
 * Clauses a scan can fail that the files cannot honestly decide. Only one:
 * - origin-exposure: every stack's app server binds a loopback address or a unix socket. The scan fails it
 *   because the scanner runs on the same host and can connect to the app server directly; whether anything
 *   but the proxy can do that in production is a fact about the host (other local users, containers
 *   sharing the network namespace), not about these files, and the audit rightly does not call a loopback
 *   bind exposed.
 */
const NOT_DERIVABLE: ReadonlySet<ClauseId> = new Set(["origin-exposure"]);

/**
 * Clauses where a scan and an audit of the same stack may fail differently, and why. Every other clause is
 * failed by both or by neither; a clause the scan fails is still flagged (fail or warn) by the audit unless
 * it is in NOT_DERIVABLE.
 * - origin-exposure: see NOT_DERIVABLE.
 * - client-ip: every scan here passes --probe-token, so the probe middleware reports what Django received.
 *   The scan fails a forged X-Real-IP or X-Forwarded-For that reaches Django as one address, whether or not
 *   the app reads it; Django itself reads neither, so the audit warns where the files let the client's copy
 *   through and fails only where the proxy itself believes it (set_real_ip_from 0.0.0.0/0, a PROXY
 *   listener anyone can reach). Without the probe token the scan cannot see this clause at all (skip).
 * - hygiene: settings that no request can reveal (SECRET_KEY, DEBUG pages the scan never triggers); the
 *   scan has no hygiene check.
 * - health-exempt: the scan asks the stack's health path over plain HTTP; the audit judges
 *   SECURE_REDIRECT_EXEMPT and the proxy's health routes even when that path is not the one scanned.
 */
const MAY_DIFFER: ReadonlySet<ClauseId> = new Set([
  "origin-exposure",
  "client-ip",
  "hygiene",
  "health-exempt",
]);

/** A stack's scan and audit, side by side. */
export interface Verdicts {
  scan: Check[];
  audit: Check[];
}

export function checksOf(result: CliResult, what: string): Check[] {
  assert.ok([0, 1].includes(result.code ?? -1), `${what} exited ${result.code}: ${result.stderr}`);
  return (JSON.parse(result.stdout) as { checks: Check[] }).checks;
}

/** `audit`'s arguments for the very files a proxy stack runs: its settings, proxy config and gunicorn.conf.py. */
export function auditArgs(stack: RunningStack, proxy: ProxyName): string[] {
  const { settings, proxyConfig, gunicornConfig } = stack.files;
  return ["--settings", settings, `--${proxy}`, proxyConfig, "--gunicorn", gunicornConfig];
}

/** Runs a JSON `scan` command line (as jsonScanArgs writes it) and `audit` of the given files, as JSON. */
export async function scanAndAudit(
  what: string,
  scanCommand: string[],
  auditArgs: string[],
): Promise<Verdicts> {
  const [scan, audit] = await Promise.all([
    runCli(scanCommand),
    runCli(["audit", ...auditArgs, "--format", "json"]),
  ]);
  return { scan: checksOf(scan, `scan of ${what}`), audit: checksOf(audit, `audit of ${what}`) };
}

export function show(checks: Check[]): string {
  return checks.map((c) => `  ${c.status} ${c.clause} ${c.id}: ${c.summary}`).join("\n");
}

function failing(checks: Check[]): Set<ClauseId> {
  return new Set(checks.filter((c) => c.status === "fail").map((c) => c.clause));
}

/** The clauses the scan fails that an audit may fail too (those a broken stack must show). */
export function derivableScanFailures(scan: Check[], { decided = {} }: StackNotes = {}): Check[] {
  return scan.filter((c) => c.status === "fail" && (!NOT_DERIVABLE.has(c.clause) || c.clause in decided));
}

/**
 * Every clause the scan fails has an audit finding that fails or warns, but the underivable ones and
 * those the stack documents the audit as silent on.
 */
export function assertScanFailuresFlagged({ scan, audit }: Verdicts, notes: StackNotes = {}): void {
  const silent = (clause: ClauseId) => notes.differences?.[clause]?.audit === "says nothing";
  for (const check of derivableScanFailures(scan, notes).filter((c) => !silent(c.clause))) {
    assert.ok(
      audit.some((f) => f.clause === check.clause && ["fail", "warn"].includes(f.status)),
      `the scan fails ${check.clause} (${check.summary}) but no audit finding flags it:\n${show(audit)}`,
    );
  }
}

/**
 * Scan and audit fail the same clauses, but those that may differ anywhere (unless the stack's files
 * decide them) and the stack's documented differences; each of these is checked too, so none goes stale.
 */
export function assertSameFailures(
  { scan, audit }: Verdicts,
  { differences: documented = {}, decided = {} }: StackNotes = {},
): void {
  const scanFails = failing(scan);
  const auditFails = failing(audit);
  for (const [clause, { audit: expected }] of Object.entries(documented) as [ClauseId, Difference][]) {
    assert.ok(scanFails.has(clause), `${clause} is documented as differing but the scan does not fail it`);
    const said = audit.filter((c) => c.clause === clause && c.status !== "pass").map((c) => c.status);
    assert.ok(
      expected === "warns" ? said.length > 0 && said.every((s) => s === "warn") : said.length === 0,
      `the audit is documented to be ${expected === "warns" ? "warning" : "silent"} on ${clause}:\n${show(audit)}`,
    );
  }
  const differing = CLAUSE_IDS.filter(
    (clause) =>
      (!MAY_DIFFER.has(clause) || clause in decided) &&
      !(clause in documented) &&
      scanFails.has(clause) !== auditFails.has(clause),
  );
  assert.deepEqual(
    differing,
    [],
    `scan fails: ${[...scanFails].join(", ")}; audit fails: ${[...auditFails].join(", ")}\nscan:\n${show(scan)}\naudit:\n${show(audit)}`,
  );
}

/** The audit of a healthy stack fails nothing, and each warning it gives is one the caller explained. */
export function assertNoFalseAlarm(audit: Check[], justified: Record<string, string>, what: string): void {
  const reported = audit.filter((c) => c.status !== "pass");
  assert.deepEqual(
    reported.filter((c) => c.status === "fail" || c.status === "error"),
    [],
    `false alarms on ${what}:\n${show(reported)}`,
  );
  const unexplained = reported.filter((c) => !(c.id in justified));
  assert.deepEqual(unexplained, [], `unexplained warnings on ${what}:\n${show(unexplained)}`);
}
