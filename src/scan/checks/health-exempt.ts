import type { HealthProbe } from "../evidence.js";
import { describeOutcome, type LiveCheck } from "./check.js";

function exists(p: HealthProbe): boolean {
  const status = p.https?.response?.status ?? 0;
  return status >= 200 && status < 300;
}

/** Health-check paths answer over plain HTTP without a redirect. */
export const healthExemptCheck: LiveCheck = {
  clause: "health-exempt",
  severity: "medium",
  judge(e) {
    const relevant = e.health.filter((p) => p.named || exists(p));
    if (relevant.length === 0) {
      return {
        status: "skip",
        summary: `no health path named (--health-path) and none of ${e.health.map((p) => p.path).join(", ")} exists`,
        evidence: [],
      };
    }
    const unanswered = relevant.filter((p) => !p.http?.response);
    if (unanswered.length) {
      return {
        status: "error",
        summary: `plain HTTP gave no answer for ${unanswered.map((p) => `${p.path} (${describeOutcome(p.http)})`).join(", ")}`,
        evidence: unanswered.flatMap((p) => (p.http ? [p.http] : [])).slice(0, 2),
      };
    }
    const bad = relevant.filter((p) => {
      const status = p.http?.response?.status ?? 0;
      return status < 200 || status >= 300;
    });
    if (bad.length === 0) {
      return {
        status: "pass",
        summary: relevant.map((p) => `http ${p.path}: ${describeOutcome(p.http)}`).join("; "),
        evidence: relevant.map((p) => p.http!).slice(0, 2),
      };
    }
    const named = bad.some((p) => p.named);
    const hint = named
      ? ""
      : " (found at a default path; name it with --health-path to make this a requirement)";
    return {
      status: named ? "fail" : "warn",
      summary: `health checks over plain HTTP do not get a plain answer: ${bad.map((p) => `http ${p.path}: ${describeOutcome(p.http)}`).join("; ")}${hint}`,
      evidence: bad.flatMap((p) => (p.http ? [p.http] : [])).slice(0, 2),
    };
  },
};
