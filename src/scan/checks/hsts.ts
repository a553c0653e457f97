import { headerValues } from "../../parsers/headers.js";
import { hstsStrength, ONE_YEAR_SECONDS, parseHsts } from "../../parsers/hsts.js";
import type { Captured } from "../evidence.js";
import type { Judgement, LiveCheck } from "./check.js";

function judgeResponse(captured: Captured): Judgement {
  const values = headerValues(captured.response?.headers ?? [], "strict-transport-security");
  const where = `${captured.request.url} (${captured.response?.status})`;
  if (values.length === 0)
    return { status: "fail", summary: `no Strict-Transport-Security on ${where}`, evidence: [captured] };
  // RFC 6797 §8.1: a browser processes only the first header.
  const policy = parseHsts(values[0] as string);
  const extra = values.length > 1 ? ` (${values.length} headers sent; browsers use only the first)` : "";
  if (!policy.valid) {
    return {
      status: "fail",
      summary: `invalid Strict-Transport-Security '${values[0]}' on ${where}: ${policy.error}${extra}`,
      evidence: [captured],
    };
  }
  const preloadGaps = [
    policy.maxAge < ONE_YEAR_SECONDS ? "max-age below a year" : "",
    policy.includeSubDomains ? "" : "no includeSubDomains",
    policy.preload ? "" : "no preload directive",
  ].filter(Boolean);
  const preload = preloadGaps.length ? `not preload-ready: ${preloadGaps.join(", ")}` : "preload-ready";
  const shape = `max-age=${policy.maxAge}${policy.includeSubDomains ? "; includeSubDomains" : ""}${policy.preload ? "; preload" : ""}`;
  const strength = hstsStrength(policy);
  const problems = strength.problems.length > 0 ? `: ${strength.problems.join("; ")}` : "";
  return {
    status: strength.status,
    summary: `${shape} on ${where}${problems}; ${preload}${extra}`,
    evidence: [captured],
  };
}

const ORDER = { fail: 0, error: 1, warn: 2, pass: 3, skip: 4 } as const;

/** Strict-Transport-Security on every HTTPS response, the first hop included. */
export const hstsCheck: LiveCheck = {
  clause: "hsts",
  severity: "medium",
  judge(e) {
    const first = e.baselines.https.get;
    if (!first?.response) {
      return {
        status: "error",
        summary: `the HTTPS baseline failed: ${first?.error ?? "not sent"}`,
        evidence: first ? [first] : [],
      };
    }
    const responses = [first];
    const lastHttpsHop = e.httpsChain.hops[e.httpsChain.hops.length - 1];
    if (lastHttpsHop?.response && lastHttpsHop !== e.httpsChain.hops[0]) responses.push(lastHttpsHop);
    const judged = responses.map(judgeResponse).sort((a, b) => ORDER[a.status] - ORDER[b.status]);
    return judged[0] as Judgement;
  },
};
