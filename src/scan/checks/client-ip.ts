import { probeAnswer } from "../probe-answer.js";
import type { ClientIpProbe } from "../evidence.js";
import { present, type LiveCheck } from "./check.js";

const COMMONLY_TRUSTED = new Set(["HTTP_X_REAL_IP", "HTTP_X_FORWARDED_FOR"]);

export type ForgedAddressFinding = { level: "fail" | "warn"; text: string; probe: ClientIpProbe };

/** Where a forged address ended up in what Django saw; undefined when the probe did not answer. */
export function forgedAddressFindings(p: ClientIpProbe): ForgedAddressFinding[] | undefined {
  const seen = probeAnswer(p.probe);
  if (!seen) return undefined;
  const found: ForgedAddressFinding[] = [];
  if (seen.remote_addr === p.injected) {
    found.push({
      level: "fail",
      text: `${p.header}: Django's REMOTE_ADDR became the forged ${p.injected}`,
      probe: p,
    });
  }
  for (const [key, value] of Object.entries(seen.headers)) {
    if (!value.includes(p.injected) || key === "HTTP_HOST") continue;
    const leftmost = value.split(",")[0]?.trim();
    // A header holding one address is read as the client address; a list is safe only read from the right.
    if (key === "HTTP_X_FORWARDED_FOR" && leftmost === p.injected && value.includes(",")) {
      found.push({
        level: "warn",
        text: `${p.header}: X-Forwarded-For reached Django as '${value}': the proxy appended instead of replacing, so code that reads the leftmost entry takes the forged address`,
        probe: p,
      });
    } else {
      // Apps read X-Real-IP and X-Forwarded-For as the client address; CDN headers only when told to.
      found.push({
        level: COMMONLY_TRUSTED.has(key) ? "fail" : "warn",
        text: `${p.header}: ${key.replace(/^HTTP_/, "")} reached Django as '${value}', holding the client's forged address`,
        probe: p,
      });
    }
  }
  return found;
}

/** A client-sent X-Forwarded-For / X-Real-IP never becomes the client address. */
export const clientIpCheck: LiveCheck = {
  clause: "client-ip",
  severity: "medium",
  judge(e) {
    if (!e.probeAsked) {
      return {
        status: "skip",
        summary:
          "the client address the app uses cannot be seen from outside; install the probe middleware and pass --probe-token",
        evidence: [],
      };
    }
    const read = e.clientIp.map((p) => ({ p, found: forgedAddressFindings(p) }));
    const unanswered = read.filter((r) => r.found === undefined);
    if (unanswered.length === read.length) {
      return {
        status: "error",
        summary: `the probe middleware did not answer (${unanswered[0]?.p.probe.error ?? unanswered[0]?.p.probe.response?.status}): check the token, the path and that it is first in MIDDLEWARE`,
        evidence: present(unanswered[0]?.p.probe),
      };
    }
    const all = read.flatMap((r) => r.found ?? []);
    const failures = all.filter((f) => f.level === "fail");
    const shown = failures.length ? failures : all;
    if (shown.length) {
      return {
        status: failures.length ? "fail" : "warn",
        summary: shown.map((f) => f.text).join("\n"),
        evidence: present(...shown.map((f) => f.probe.probe)).slice(0, 3),
      };
    }
    return {
      status: "pass",
      summary: `no forged client address (${e.clientIp.map((p) => p.header.split(":")[0]).join(", ")}) reached Django (probe middleware)`,
      evidence: present(e.clientIp[0]?.probe),
    };
  },
};
