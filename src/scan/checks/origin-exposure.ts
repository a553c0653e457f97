import { readBelief } from "../belief.js";
import { present, type LiveCheck } from "./check.js";

/** The app server cannot be reached around the proxy, or ignores forwarding headers from strangers. */
export const originExposureCheck: LiveCheck = {
  clause: "origin-exposure",
  severity: "high",
  judge(e) {
    const origin = e.origin;
    if (!origin)
      return { status: "skip", summary: "no --origin given (the app server's own address)", evidence: [] };
    if (!origin.baseline.response) {
      return {
        status: "pass",
        summary: `the app server at ${origin.url} cannot be reached directly: ${origin.baseline.error}`,
        evidence: [origin.baseline],
      };
    }
    const before = readBelief("http", origin.baseline, origin.baselinePost);
    const believed = origin.spoofs.filter(
      (s) => readBelief("http", s.get, s.post).scheme === "https" && before.scheme !== "https",
    );
    if (believed.length) {
      const first = believed[0]!;
      return {
        status: "fail",
        summary: `the app server at ${origin.url} answers anyone and believes their scheme headers: ${believed.map((s) => s.header).join(", ")} made a direct plain-HTTP request count as https (${readBelief("http", first.get, first.post).reason}). gunicorn trusts X-Forwarded-Proto from forwarded_allow_ips (127.0.0.1 by default), Django from SECURE_PROXY_SSL_HEADER regardless of the sender.`,
        evidence: present(first.post, first.get, origin.baselinePost, origin.baseline),
      };
    }
    if (before.scheme === "http") {
      return {
        status: "pass",
        summary: `the app server at ${origin.url} is reachable directly, but ignored ${origin.spoofs.map((s) => s.header).join(", ")} from this client (${before.reason})`,
        evidence: present(origin.spoofs[0]?.post, origin.spoofs[0]?.get),
      };
    }
    return {
      status: "warn",
      summary: `the app server at ${origin.url} is reachable around the proxy (${origin.baseline.response.status}); could not tell whether it trusts forwarding headers (${before.reason})`,
      evidence: [origin.baseline],
    };
  },
};
