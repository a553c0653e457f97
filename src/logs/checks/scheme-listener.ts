/** Requests Django saw with another scheme than the listener the proxy says they came through. */
import { countsByPrefix, examplesByPrefix, recordExchange, type Traffic } from "../traffic.js";
import type { LogCheck, LogJudgement } from "./check.js";

function judge(traffic: Traffic): LogJudgement[] {
  const known = traffic.records.filter((r) => traffic.listenerScheme.has(r));
  if (!known.length) {
    return [
      {
        status: "skip",
        summary:
          "the log does not say which listener each request came through: no X-Forwarded-Proto or X-Forwarded-Ssl is set by the proxy on every request",
        evidence: [],
        line: traffic.records[0]?.line,
      },
    ];
  }
  const contradicting = known.filter((r) => r.scheme !== traffic.listenerScheme.get(r));
  const unknown = traffic.records.length - known.length;
  const rest = unknown ? ` (${unknown} more without the proxy's scheme header were not judged)` : "";
  if (!contradicting.length) {
    return [
      {
        status: "pass",
        summary: `all ${known.length} requests were seen by Django with the scheme of their listener${rest}`,
        evidence: examplesByPrefix(known).map((r) =>
          recordExchange(r, `${traffic.listenerScheme.get(r)} listener`),
        ),
        line: known[0]!.line,
      },
    ];
  }
  return [
    {
      status: "fail",
      summary:
        `${contradicting.length} of ${known.length} requests were seen by Django with another scheme than ` +
        `the listener they came through${rest}: by path, ${countsByPrefix(contradicting)}`,
      evidence: examplesByPrefix(contradicting).map((r) =>
        recordExchange(r, `${traffic.listenerScheme.get(r)} listener, Django saw ${r.scheme ?? "no scheme"}`),
      ),
      line: contradicting[0]!.line,
    },
  ];
}

export const schemeListenerCheck: LogCheck = {
  id: "log-scheme",
  clause: "scheme",
  severity: "high",
  title: "Django sees the scheme of the listener",
  judge,
};
