/** A whole scan: collect evidence, judge every clause, build the report. */
import { clause } from "../clauses.js";
import { renderFix, type FixContext } from "../fix-text.js";
import type { CheckResult, Exchange, Report } from "../report/model.js";
import { ConnectionPool, DEFAULT_TRANSPORT } from "../transport/send.js";
import { VERSION } from "../version.js";
import { LIVE_CHECKS } from "./checks/index.js";
import { collectEvidence } from "./collect.js";
import { scanDeadline } from "./deadline.js";
import type { Captured, ScanEvidence } from "./evidence.js";
import { identifyServers } from "./identify.js";
import type { ScanOptions } from "./options.js";
import { PROBE_TOKEN_HEADER } from "./probe-answer.js";
import { ProbeClient } from "./probe-client.js";
import { smokeTestFor } from "./smoke-test.js";

const HEADERS_THAT_MATTER = new Set([
  "location",
  "strict-transport-security",
  "set-cookie",
  "server",
  "via",
  "content-type",
]);
const EXCERPT_CHARS = 200;

export function toExchange(captured: Captured): Exchange {
  const headers = captured.request.headers.map(([name, value]): [string, string] =>
    name.toLowerCase() === PROBE_TOKEN_HEADER.toLowerCase() ? [name, "(redacted)"] : [name, value],
  );
  const { method, url, body, requestTarget } = captured.request;
  const shownUrl = requestTarget ? `${url} (request target ${requestTarget})` : url;
  const request: Exchange["request"] = {
    method,
    url: shownUrl,
    headers,
    ...(body !== undefined ? { body } : {}),
  };
  const exchange: Exchange = { label: captured.label, request };
  if (captured.response) {
    const { status, headers, body } = captured.response;
    exchange.response = {
      status,
      headers: headers.filter(([name]) => HEADERS_THAT_MATTER.has(name.toLowerCase())),
      ...(body ? { bodyExcerpt: body.slice(0, EXCERPT_CHARS).replace(/[^\x20-\x7e\n\t]/g, "?") } : {}),
    };
  }
  if (captured.error) exchange.error = captured.error;
  if (captured.replay) exchange.replay = captured.replay();
  return exchange;
}

/** The path of the exchange that decided a check, for fixes that belong to a route. */
function routeOf(captured: Captured | undefined): string | undefined {
  const url = captured?.request.url ?? "";
  return URL.canParse(url) ? new URL(url).pathname : undefined;
}

/** Every applicable clause judged; fixes are written for `deployment` (the proxy, app server, site host). */
export function judge(evidence: ScanEvidence, deployment: FixContext): CheckResult[] {
  const applicable = LIVE_CHECKS.filter((check) => check.appliesTo?.(evidence) ?? true);
  return applicable.map((check) => {
    const judgement = check.judge(evidence);
    const result: CheckResult = {
      id: check.id ?? check.clause,
      clause: check.clause,
      status: judgement.status,
      severity: check.severity,
      title: clause(check.clause).title,
      summary: judgement.summary,
      evidence: judgement.evidence.map(toExchange),
    };
    if (judgement.status === "fail" || judgement.status === "warn")
      result.fix = renderFix(check.clause, {
        ...deployment,
        headersThrough: judgement.headersThrough,
        route: routeOf(judgement.evidence[0]),
      });
    return result;
  });
}

export interface ScanOutcome {
  report: Report;
  /** Set when nothing could be scanned: the target never answered. */
  couldNotRun?: string;
}

export async function runScan(target: URL, options: ScanOptions): Promise<ScanOutcome> {
  const started = performance.now();
  const deadline = scanDeadline(options.maxTimeMs, options.stop, options.concurrency * 4);
  const connections = new ConnectionPool();
  const client = new ProbeClient(
    {
      ...DEFAULT_TRANSPORT,
      mappings: options.mappings,
      timeoutMs: options.timeoutMs,
      ca: options.ca,
      insecure: options.insecure,
      signal: deadline.signal,
      connections,
    },
    options.headers,
    options.concurrency,
    options.requestGate,
    options.caFile,
  );
  const evidence = await collectEvidence(target, options, client).finally(() => {
    connections.close();
    deadline.release();
  });
  const identified = identifyServers(evidence);
  const proxy = options.proxy ?? identified.proxy?.kind;
  const checks = judge(evidence, { proxy, appServer: identified.appServer?.kind, siteHost: target.host });
  const report: Report = {
    tool: "proxytrust",
    version: VERSION,
    command: "scan",
    target: target.href,
    ...(proxy ? { proxy } : {}),
    identified,
    checks,
    requests: client.count,
    durationMs: Math.round(performance.now() - started),
    smokeTest: smokeTestFor(evidence, options, checks),
  };
  const https = evidence.baselines.https.get;
  const http = evidence.baselines.http.get;
  if (!https?.response && !http?.response) {
    return {
      report,
      couldNotRun: `${target.host} did not answer: https: ${https?.error}; http: ${http?.error}`,
    };
  }
  return { report };
}
