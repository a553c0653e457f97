import type { Captured } from "../evidence.js";
import { describeOutcome, timedOut, type LiveCheck } from "./check.js";

// nginx answers a missing or unverifiable client certificate with 400 (its internal 496 and 495).
const CERTIFICATE_REFUSALS = new Set([400, 403, 495, 496]);

/** Refused: no TLS session or no HTTP answer, or the server's "certificate required" answer. */
function refused(captured: Captured): boolean {
  const status = captured.response?.status;
  return status === undefined || CERTIFICATE_REFUSALS.has(status);
}

/** An origin behind mutual TLS opens only for the proxy's certificate: not for none, not for another CA's. */
export const originMtlsCheck: LiveCheck = {
  id: "origin-exposure-mtls",
  clause: "origin-exposure",
  severity: "high",
  appliesTo: (e) => e.mtls !== undefined,
  judge(e) {
    const m = e.mtls!;
    const proxy = m.withProxyCertificate;
    if (refused(proxy)) {
      return {
        status: "error",
        summary: `the origin ${m.origin} refused the proxy's own client certificate (${describeOutcome(proxy)}), so what it does with strangers says nothing; check --client-cert, --client-key and --cacert`,
        evidence: [proxy],
      };
    }
    const strangers = [
      { who: "a client without a certificate", captured: m.withoutCertificate },
      { who: "a client with a self-signed certificate (another CA)", captured: m.withForeignCertificate },
    ];
    const silent = strangers.filter((s) => timedOut(s.captured));
    if (silent.length) {
      return {
        status: "error",
        summary: `the origin ${m.origin} answers the proxy's client certificate (${describeOutcome(proxy)}) but gave ${silent.map((s) => s.who).join(" and ")} no answer in time, which shows neither a refusal nor an acceptance`,
        evidence: [...silent.map((s) => s.captured), proxy],
      };
    }
    const admitted = strangers.filter((s) => !refused(s.captured));
    if (admitted.length) {
      return {
        status: "fail",
        summary: admitted
          .map(
            (s) =>
              `the origin ${m.origin} served ${s.who} (${describeOutcome(s.captured)}) as it serves the proxy (${describeOutcome(proxy)}): anyone who reaches it goes around the proxy`,
          )
          .join("\n"),
        evidence: [...admitted.map((s) => s.captured), proxy],
      };
    }
    return {
      status: "pass",
      summary: `the origin ${m.origin} answers the proxy's client certificate (${describeOutcome(proxy)}) and refuses ${strangers.map((s) => `${s.who} (${describeOutcome(s.captured)})`).join(" and ")}`,
      evidence: [m.withoutCertificate, m.withForeignCertificate, proxy],
    };
  },
};
