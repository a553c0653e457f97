/** One report model for every command (scan, audit, doctor): formatters only read it. */
import type { AppServerKind, ClauseId, ProxyKind } from "../clauses.js";

export const STATUSES = ["pass", "fail", "warn", "skip", "error"] as const;
export type Status = (typeof STATUSES)[number];

export const SEVERITIES = ["high", "medium", "low", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const COMMANDS = ["scan", "audit", "doctor", "logs"] as const;

export type HeaderList = [name: string, value: string][];

/** What was sent and what came back: exact, so a reader can replay it with curl. */
export interface Exchange {
  /** Short name of the probe, e.g. "https baseline" or "http + X-Forwarded-Proto: https". */
  label: string;
  request: { method: string; url: string; headers: HeaderList; body?: string };
  response?: { status: number; headers: HeaderList; bodyExcerpt?: string };
  /** Transport failure instead of a response: refused, reset, timeout, TLS error. */
  error?: string;
  /** What the app believed, where it can be said (from the probe middleware or inference). */
  belief?: string;
  /** The curl command sending the same request, or why curl cannot (requests this tool sent). */
  replay?: Replay;
}

/** A shell command line (the probe token read from $PROXYTRUST_PROBE_TOKEN), or why there is none. */
export type Replay = { curl: string } | { cannotReplay: string };

export interface SourceLocation {
  file: string;
  line: number;
  column?: number;
}

export interface CheckResult {
  /** Clause id for live checks; rule id for static findings. */
  id: string;
  clause: ClauseId;
  status: Status;
  severity: Severity;
  title: string;
  summary: string;
  evidence: Exchange[];
  fix?: string;
  location?: SourceLocation;
  /** The target this result is about, set when one report covers several targets (fleet scans, merge). */
  target?: string;
  /** Set by a config file suppression; an active one keeps the result out of the exit code. */
  suppression?: Suppression;
}

export interface Suppression {
  reason: string;
  /** ISO date (YYYY-MM-DD) after which the suppression no longer applies. */
  expires?: string;
  /** True once `expires` has passed: the result counts again and the stale suppression is reported. */
  expired: boolean;
}

/** One target of a report that covers several. */
export interface TargetSummary {
  target: string;
  command: Report["command"];
  proxy?: string;
  requests?: number;
  durationMs?: number;
  couldNotRun?: string;
}

/** A file `audit PATH` recognised, and what gave it away. */
export interface DiscoveredFile {
  file: string;
  /** settings, nginx, compose, kubernetes, dockerfile... */
  kind: string;
  why: string;
}

/** An environment value a deployment descriptor sets and the settings read, with where it was set. */
export interface EnvironmentValue {
  name: string;
  value: string;
  file: string;
  line: number;
}

/** One deployment `audit PATH` put together; its checks carry its name as `target` when there are several. */
export interface DiscoveredDeployment {
  name: string;
  files: { role: string; file: string }[];
  pairedBecause: string[];
  environment: EnvironmentValue[];
}

/** What `audit PATH` found in the tree, how it paired it, and what it left out and why. */
export interface Discovery {
  root: string;
  /** Files looked at (after .gitignore and skipped directories). */
  filesWalked: number;
  found: DiscoveredFile[];
  deployments: DiscoveredDeployment[];
  ignored: { path: string; reason: string }[];
}

/** A server named from what its responses show, and which exchange showed it. */
export interface Identified<K extends string> {
  kind: K;
  /** e.g. 'Server: gunicorn, in "https baseline"'. */
  from: string;
}

/** What a scan could tell about the servers in front of Django; a missing one could not be told. */
export interface Identification {
  proxy?: Identified<ProxyKind>;
  appServer?: Identified<AppServerKind>;
}

export interface Report {
  tool: "proxytrust";
  version: string;
  command: (typeof COMMANDS)[number];
  target: string;
  /** Detected or declared proxy, used to pick the fix. */
  proxy?: string;
  /** Scans: the proxy and app server told from the responses, with the evidence (absent: not told). */
  identified?: Identification;
  checks: CheckResult[];
  /** Requests sent, for scans. */
  requests?: number;
  durationMs?: number;
  /** Why nothing could be scanned: the target never answered. */
  couldNotRun?: string;
  /** Why the run stopped before it was done (e.g. "interrupted by SIGINT"): the results are partial. */
  incomplete?: string;
  /** Set when the report covers several targets; each check then names its `target`. */
  targets?: TargetSummary[];
  /** audit PATH: what was found and paired; the report starts with it. */
  discovery?: Discovery;
  /** What a shell script needs to re-run a single-target scan's decidable checks (`--format sh`). */
  smokeTest?: SmokeTest;
}

/** A CSRF POST of the smoke test: one Origin or Referer, and what Django must do with it. */
export interface SmokeCsrfProbe {
  label: string;
  header: "Origin" | "Referer";
  value: string;
  /** refuse: accepted is a failure; accept: refused is a failure; sibling: accepted is a warning. */
  expect: "accept" | "refuse" | "sibling";
}

export interface SmokeTest {
  siteHost: string;
  httpsUrl: string;
  httpUrl: string;
  /** The plain-HTTP start of the redirect chain, with its query marker. */
  httpChainStart: string;
  /** curl options reaching the site as the scan did: --connect-to, --cacert, -k. */
  curlOptions: string[];
  /** A name no one owns, sent as Host and in absolute-form targets. */
  foreignHost: string;
  csrf?: { pagePath: string; postPath: string; probes: SmokeCsrfProbe[] };
  healthPaths: { path: string; named: boolean }[];
  /** Clauses the script re-runs, in the contract's order. */
  clauses: ClauseId[];
}

/** The lowest status that makes the exit code 1: `warn` adds warnings to failures, `error` adds errors too. */
export type FailOn = "fail" | "warn" | "error";

const FAILING: Record<FailOn, readonly Status[]> = {
  fail: ["fail"],
  warn: ["fail", "warn"],
  error: ["fail", "warn", "error"],
};

export function isFailing(status: Status, failOn: FailOn): boolean {
  return FAILING[failOn].includes(status);
}

/** True when no result was decided: every one is error or skip (or there is none), so a 0 would lie. */
export function decidedNothing(report: Report): boolean {
  return report.checks.every((c) => c.status === "error" || c.status === "skip");
}

export const EXIT = {
  ok: 0,
  findings: 1,
  usage: 2,
  couldNotRun: 3,
} as const;

export function isSuppressed(check: CheckResult): boolean {
  return check.suppression !== undefined && !check.suppression.expired;
}

/** What every format says beside a result a suppression names, so no report shows it as live unmarked. */
export function suppressionNote(check: CheckResult): string | undefined {
  const { suppression } = check;
  if (!suppression) return undefined;
  return suppression.expired
    ? `suppression expired on ${suppression.expires ?? "its date"}: ${suppression.reason}`
    : `suppressed: ${suppression.reason}`;
}

export function exitCodeFor(report: Report, failOn: FailOn): number {
  const failing = report.checks.some((c) => !isSuppressed(c) && isFailing(c.status, failOn));
  return failing ? EXIT.findings : EXIT.ok;
}

export function countByStatus(report: Report): Record<Status, number> {
  const counts: Record<Status, number> = { pass: 0, fail: 0, warn: 0, skip: 0, error: 0 };
  for (const c of report.checks) counts[c.status] += 1;
  return counts;
}
