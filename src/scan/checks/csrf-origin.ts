import type { CsrfOriginProbe } from "../evidence.js";
import { accepted, describeOutcome, present, type LiveCheck } from "./check.js";

const WHAT: Record<CsrfOriginProbe["kind"], string> = {
  "own-origin": "the site's own Origin",
  "foreign-origin": "a foreign Origin",
  "null-origin": "Origin: null",
  "http-origin": "the plain-HTTP Origin of the same host",
  "sibling-origin": "a sibling subdomain's Origin",
  "foreign-referer": "a foreign Referer without Origin",
};

function describe(p: CsrfOriginProbe): string {
  return `${WHAT[p.kind]} (${p.origin ?? p.referer}): ${describeOutcome(p.captured)}`;
}

/** With a real token pair: own origin accepted, foreign origins refused. */
export const csrfOriginCheck: LiveCheck = {
  clause: "csrf-origin",
  severity: "high",
  judge(e) {
    if (!e.csrf.pair)
      return {
        status: "skip",
        summary: e.csrf.reason ?? "no CSRF token pair",
        evidence: e.csrf.searched.slice(0, 1),
      };
    const own = e.csrf.origins.find((p) => p.kind === "own-origin");
    if (!own?.captured.response) {
      return {
        status: "error",
        summary: `the own-origin POST failed: ${own?.captured.error ?? "not sent"}`,
        evidence: present(own?.captured),
      };
    }
    if (!accepted(own.captured)) {
      return {
        status: "fail",
        summary: `CSRF fails for real users: a POST with a valid token from ${describe(own)} was refused. Django compares Origin with request.scheme and request.get_host(): check that the proxy passes the real Host and the scheme header, or list the origin in CSRF_TRUSTED_ORIGINS. (Foreign-origin answers prove nothing while this fails.)`,
        evidence: [own.captured],
      };
    }
    const foreign = e.csrf.origins.filter((p) => p.kind !== "own-origin");
    const errors = foreign.filter((p) => !p.captured.response);
    const leaks = foreign.filter((p) => p.kind !== "sibling-origin" && accepted(p.captured));
    if (leaks.length) {
      return {
        status: "fail",
        summary: `POSTs with a valid token were accepted from ${leaks.map(describe).join("; ")}`,
        evidence: leaks.map((p) => p.captured).slice(0, 3),
      };
    }
    if (errors.length) {
      return {
        status: "error",
        summary: `some CSRF probes failed: ${errors.map(describe).join("; ")}`,
        evidence: errors.map((p) => p.captured),
      };
    }
    const sibling = foreign.find((p) => p.kind === "sibling-origin" && accepted(p.captured));
    if (sibling) {
      return {
        status: "warn",
        summary: `${describe(sibling)} was accepted: CSRF_TRUSTED_ORIGINS trusts every subdomain; make sure each one is yours and none serves user content`,
        evidence: [sibling.captured],
      };
    }
    return {
      status: "pass",
      summary: `${describe(own)} accepted; refused: ${foreign.map(describe).join("; ")}`,
      evidence: present(own.captured, foreign[0]?.captured),
    };
  },
};
