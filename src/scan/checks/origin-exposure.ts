import { readBelief, upgradeRedirectDropped } from "../belief.js";
import type { Captured, OriginEvidence } from "../evidence.js";
import { describeOutcome, present, type Judgement, type LiveCheck } from "./check.js";

/** Nothing listens, or nothing answers: a stranger cannot use this address either. */
const UNREACHABLE =
  /^connection refused$|^no complete answer within|^host unreachable$|^network unreachable$/;

/**
 * An origin behind mutual TLS refuses a client without a certificate: TLS 1.3 servers with a
 * "certificate required" alert, nginx with its 400 page (its internal 496) after the handshake.
 */
function demandsClientCertificate(baseline: Captured): boolean {
  if (baseline.error) return /certificate required/i.test(baseline.error);
  const response = baseline.response!;
  return (
    response.status === 496 ||
    (response.status === 400 && /No required SSL certificate was sent/i.test(response.body))
  );
}

function judgeOrigin(origin: OriginEvidence): Judgement {
  const { baseline, url } = origin;
  if (demandsClientCertificate(baseline)) {
    return {
      status: "pass",
      summary: `the app server at ${url} refuses clients without a TLS client certificate (${baseline.error ?? baseline.response!.status}): strangers cannot reach it (--client-cert checks that the proxy's certificate opens it)`,
      evidence: [baseline],
    };
  }
  if (!baseline.response) {
    if (UNREACHABLE.test(baseline.error ?? ""))
      return {
        status: "pass",
        summary: `the app server at ${url} cannot be reached directly: ${baseline.error}`,
        evidence: [baseline],
      };
    return {
      status: "warn",
      summary: `something at ${url} accepts connections but gave no HTTP answer (${baseline.error}): an app server speaking another protocol (uWSGI's socket) or TLS this scan cannot check is still reachable around the proxy`,
      evidence: [baseline],
    };
  }
  const before = readBelief("http", baseline, origin.baselinePost);
  const readings = origin.spoofs.map((spoof) => ({
    spoof,
    after: readBelief("http", spoof.get, spoof.post),
  }));
  const believedBy = ({ spoof, after }: (typeof readings)[number]): string | undefined => {
    if (after.scheme === "https" && before.scheme !== "https") return after.reason;
    if (after.scheme === "unknown" && upgradeRedirectDropped(baseline, spoof.get))
      return `the redirect to https (${describeOutcome(baseline)}) gave way to ${describeOutcome(spoof.get)}`;
    return undefined;
  };
  const believed = readings.filter((reading) => believedBy(reading) !== undefined);
  if (believed.length) {
    const first = believed[0]!;
    return {
      status: "fail",
      summary: `the app server at ${url} answers anyone and believes their scheme headers: ${believed.map((r) => r.spoof.header).join(", ")} made a direct plain-HTTP request count as https (${believedBy(first)}). gunicorn trusts X-Forwarded-Proto from forwarded_allow_ips (127.0.0.1 by default), Django from SECURE_PROXY_SSL_HEADER regardless of the sender.`,
      evidence: present(first.spoof.post, first.spoof.get, origin.baselinePost, baseline),
    };
  }
  // Ignored only when every claim was read as plain HTTP too; an answer that shows nothing decides nothing.
  if (before.scheme === "http" && readings.every(({ after }) => after.scheme === "http")) {
    return {
      status: "pass",
      summary: `the app server at ${url} is reachable directly, but ignored ${origin.spoofs.map((s) => s.header).join(", ")} from this client (${before.reason})`,
      evidence: present(origin.spoofs[0]?.post, origin.spoofs[0]?.get),
    };
  }
  return {
    status: "warn",
    summary: `the app server at ${url} is reachable around the proxy (${baseline.response.status}); could not tell whether it trusts forwarding headers (${before.reason})`,
    evidence: [baseline],
  };
}

const RANK = { fail: 4, warn: 3, error: 2, pass: 1, skip: 0 } as const;

/** The app server cannot be reached around the proxy, or ignores forwarding headers from strangers. */
export const originExposureCheck: LiveCheck = {
  clause: "origin-exposure",
  severity: "high",
  judge(e) {
    if (!e.originServers.length)
      return {
        status: "skip",
        summary: "no --origin or --origin-candidates given (the app server's own address)",
        evidence: [],
      };
    // A closed candidate port is the expected case: one line for all of them, not one each.
    const closed = e.originServers.filter(
      (o) => o.candidate && !o.baseline.response && UNREACHABLE.test(o.baseline.error ?? ""),
    );
    const judged = e.originServers.filter((o) => !closed.includes(o)).map(judgeOrigin);
    const lines = judged.map((j) => j.summary);
    if (closed.length)
      lines.push(
        `not reachable on the usual app-server ports: ${closed.map((o) => `${new URL(o.url).port} (${o.baseline.error})`).join(", ")}`,
      );
    const worst = judged.reduce<Judgement["status"]>(
      (status, j) => (RANK[j.status] > RANK[status] ? j.status : status),
      "pass",
    );
    return {
      status: worst,
      summary: lines.join("\n"),
      evidence: judged.filter((j) => j.status === worst).flatMap((j) => j.evidence),
    };
  },
};
