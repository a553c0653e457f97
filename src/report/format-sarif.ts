/**
 * SARIF 2.1.0 for GitHub code scanning and other SARIF viewers (docs/reports.md).
 *
 * GitHub rejects a whole upload when any result lacks a physical location, or when an artifact
 * URI is absolute with a scheme other than file:; live findings are therefore placed on the file
 * the user names (--sarif-location), else on a relative path derived from the scanned URL.
 */
import { createHash } from "node:crypto";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { clause } from "../clauses.js";
import { deploymentOf, renderFix } from "../fix-text.js";
import { formatExchange } from "./format-text.js";
import {
  isSuppressed,
  suppressionNote,
  type CheckResult,
  type Report,
  type Severity,
  type SourceLocation,
} from "./model.js";
import { repoPath } from "./source-root.js";

export const SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json";

/** GitHub's scale: over 9 critical, 7 to 8.9 high, 4 to 6.9 medium, below 4 low. */
export const SECURITY_SEVERITY: Record<Severity, string> = {
  high: "8.0",
  medium: "5.0",
  low: "3.0",
  info: "1.0",
};

const DEFAULT_LEVEL: Record<Severity, "error" | "warning" | "note"> = {
  high: "error",
  medium: "warning",
  low: "note",
  info: "note",
};

/** GitHub shows at most this many characters of a rule description. */
const DESCRIPTION_LIMIT = 1024;

export interface SarifOptions {
  /** Directory that relative report paths are relative to (the audit's working directory). */
  cwd: string;
  /** Where live findings are shown (--sarif-location FILE[:LINE]). */
  liveLocation?: SourceLocation;
  /** Why the run could not finish: recorded as an unsuccessful invocation. */
  couldNotRun?: string;
}

type Json = Record<string, unknown>;

function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

/** A code block fenced with more backticks than the text contains in a row. */
function markdownBlock(text: string): string {
  const longestRun = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longestRun + 1);
  return `${fence}\n${text}\n${fence}`;
}

function ruleFor(check: CheckResult, report: Report): Json {
  const { contract, why } = clause(check.clause);
  const fix = check.fix ?? renderFix(check.clause, deploymentOf(report));
  const tags = ["security", "proxytrust", check.clause, report.command === "scan" ? "live" : "static"];
  return {
    id: check.id,
    shortDescription: { text: truncate(check.title, DESCRIPTION_LIMIT) },
    fullDescription: { text: truncate(`${contract} ${why}`, DESCRIPTION_LIMIT) },
    help: {
      text: `${contract}\n\nWhy: ${why}\n\nFix:\n${fix}`,
      markdown: `${contract}\n\n**Why:** ${why}\n\n**Fix**\n\n${markdownBlock(fix)}`,
    },
    defaultConfiguration: { level: DEFAULT_LEVEL[check.severity] },
    properties: {
      "security-severity": SECURITY_SEVERITY[check.severity],
      precision: report.command === "scan" ? "high" : "medium",
      tags: [...new Set(tags)],
    },
  };
}

function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

function fileLocation(location: SourceLocation, cwd: string): Json {
  const below = repoPath(location.file, cwd);
  const artifactLocation = below
    ? { uri: encodePath(below.path), uriBaseId: "%SRCROOT%" }
    : { uri: pathToFileURL(resolve(cwd, location.file)).href };
  const region: Json = { startLine: Math.max(1, location.line) };
  if (location.column !== undefined) region.startColumn = Math.max(1, location.column);
  return { physicalLocation: { artifactLocation, region } };
}

/** A relative path standing for the scanned URL, e.g. app.example.com_8443/admin/login. */
export function urlArtifactPath(target: string): string {
  const url = new URL(target);
  const host = url.port ? `${url.hostname}_${url.port}` : url.hostname;
  return [host, ...url.pathname.split("/").filter(Boolean)].map(encodeURIComponent).join("/");
}

function liveLocation(target: string, options: SarifOptions): Json {
  if (options.liveLocation) return fileLocation(options.liveLocation, options.cwd);
  return {
    physicalLocation: {
      artifactLocation: {
        uri: urlArtifactPath(target),
        description: { text: `the scanned site ${target} (no file in the repository)` },
      },
      region: { startLine: 1 },
    },
  };
}

/**
 * Who a result is about: each check's own target in a report over several (fleets, merges, an audit
 * of several deployments, where one file can hold a finding for each), else a scan's URL.
 */
function targetOf(check: CheckResult, report: Report): string | undefined {
  return check.target ?? (check.location === undefined ? report.target : undefined);
}

/** The summary with its target in front, as the text report shows it. */
function messageText(check: CheckResult, target: string | undefined): string {
  if (target === undefined) return check.summary;
  return check.location === undefined ? `${target}: ${check.summary}` : `[${target}] ${check.summary}`;
}

/**
 * GitHub tracks an alert across runs by its fingerprint. A live result's is its rule and target: its
 * summary's wording may vary per run. A static finding's is its rule, target, file and summary, and which
 * of the same it is in that file: not its line, which an edit above it moves.
 */
function fingerprint(ruleId: string, target: string | undefined, staticPlace: unknown[] | undefined): string {
  return createHash("sha256")
    .update(JSON.stringify([ruleId, target ?? null, staticPlace ?? null]))
    .digest("hex");
}

/** Counts the static findings alike in all but their line, to tell them apart in fingerprints. */
function occurrences(): (parts: unknown[]) => unknown[] {
  const seen = new Map<string, number>();
  return (parts) => {
    const key = JSON.stringify(parts);
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    return [...parts, n];
  };
}

function resultFor(
  check: CheckResult,
  ruleIndex: number,
  report: Report,
  options: SarifOptions,
  nthAlike: (parts: unknown[]) => unknown[],
): Json {
  const target = targetOf(check, report);
  const location =
    check.location === undefined ? liveLocation(target!, options) : fileLocation(check.location, options.cwd);
  return {
    ruleId: check.id,
    ruleIndex,
    level: check.status === "fail" ? "error" : "warning",
    message: { text: messageText(check, target) },
    locations: [location],
    partialFingerprints: {
      "proxytrust/v1": fingerprint(
        check.id,
        target,
        check.location && nthAlike([check.id, target ?? null, check.location.file, check.summary]),
      ),
    },
    // A config file suppression: viewers show the result as suppressed (externally), with the reason.
    ...(isSuppressed(check)
      ? { suppressions: [{ kind: "external", justification: check.suppression!.reason }] }
      : {}),
    properties: {
      status: check.status,
      clause: check.clause,
      ...(target !== undefined ? { target } : {}),
      ...(check.evidence.length ? { evidence: check.evidence.map(formatExchange) } : {}),
    },
  };
}

/** The checks that would say exactly the same in SARIF once (a report merged with itself). */
function distinctChecks(checks: CheckResult[], report: Report): CheckResult[] {
  const seen = new Set<string>();
  return checks.filter((check) => {
    const { file = "", line = 0, column = 0 } = check.location ?? {};
    const key = [check.id, targetOf(check, report), check.status, file, line, column, check.summary].join(
      "\0",
    );
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Results for fail and warn only; a check that could not decide (error) is a tool execution
 * notification, not a finding about the code, so it never opens an alert but is not lost.
 */
export function buildSarif(report: Report, options: SarifOptions): Json {
  const ruleIndex = new Map<string, number>();
  const rules: Json[] = [];
  for (const check of report.checks) {
    if (ruleIndex.has(check.id)) continue;
    ruleIndex.set(check.id, rules.length);
    rules.push(ruleFor(check, report));
  }
  const checks = distinctChecks(report.checks, report);
  const nthAlike = occurrences();
  const results = checks
    .filter((c) => c.status === "fail" || c.status === "warn")
    .map((c) => resultFor(c, ruleIndex.get(c.id)!, report, options, nthAlike));
  const notifications: Json[] = [
    ...(options.couldNotRun ? [{ level: "error", message: { text: options.couldNotRun } }] : []),
    ...checks
      .filter((c) => c.status === "error")
      .map((c) => ({
        // A suppressed one is still shown, as every format shows suppressed results, but as a note.
        level: isSuppressed(c) ? "note" : "error",
        message: {
          text: `${c.id}: ${messageText(c, targetOf(c, report))}${suppressionNote(c) === undefined ? "" : ` (${suppressionNote(c)})`}`,
        },
        associatedRule: { id: c.id, index: ruleIndex.get(c.id)! },
        ...(c.location ? { locations: [fileLocation(c.location, options.cwd)] } : {}),
      })),
  ];
  const category = report.targets
    ? "targets"
    : report.command === "scan"
      ? urlArtifactPath(report.target)
      : report.command === "logs"
        ? "logs"
        : "audit";
  return {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: { name: "proxytrust", semanticVersion: report.version, rules },
        },
        // One category per command and target, so a scan upload never replaces an audit upload.
        automationDetails: { id: `proxytrust/${report.command}/${category}/` },
        invocations: [
          {
            executionSuccessful: options.couldNotRun === undefined,
            ...(notifications.length ? { toolExecutionNotifications: notifications } : {}),
          },
        ],
        results,
        // audit PATH: what was found, paired and ignored, for tools that show run properties.
        ...(report.discovery ? { properties: { discovery: report.discovery } } : {}),
      },
    ],
  };
}

export function formatSarif(report: Report, options: SarifOptions): string {
  return `${JSON.stringify(buildSarif(report, options), null, 2)}\n`;
}
