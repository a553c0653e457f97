import type { CsrfOriginProbe, ScanEvidence } from "../evidence.js";
import { accepted, appendSlashRedirect } from "../belief.js";
import { describeOutcome, gatewayError, present, refused, type Judgement, type LiveCheck } from "./check.js";

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

/** A POST without any token, from a foreign Origin, answered 2xx: that endpoint has no CSRF protection. */
function tokenlessAccepted(csrf: ScanEvidence["csrf"]): Judgement | undefined {
  const post = csrf.tokenless;
  const status = post?.captured.response?.status;
  if (!post || status === undefined || status < 200 || status >= 300) return undefined;
  return {
    status: "fail",
    summary: `no CSRF protection: a POST to ${post.source} from a foreign Origin, without any CSRF token or cookie, was accepted (${status}): any site can make a logged-in user's browser submit it`,
    evidence: [post.captured],
  };
}

/**
 * Without a token pair and without an accepted tokenless POST, nothing decides the clause. A redirect
 * proves nothing (APPEND_SLASH and proxy rules redirect before Django's CSRF check runs), nor does a
 * refusal without a token to compare with.
 */
function undecided(csrf: ScanEvidence["csrf"]): Judgement {
  const reason = csrf.reason ?? "no CSRF token pair";
  const post = csrf.tokenless;
  const answer = post?.captured.response
    ? `was answered ${post.captured.response.status}, which proves no acceptance`
    : `got no answer (${post?.captured.error})`;
  return {
    status: "skip",
    summary: post ? `${reason}; a tokenless POST from a foreign Origin to ${post.source} ${answer}` : reason,
    evidence: present(post?.captured, csrf.searched[0]),
  };
}

/** With a real token pair: own origin accepted, foreign origins refused. */
export const csrfOriginCheck: LiveCheck = {
  clause: "csrf-origin",
  severity: "high",
  judge(e) {
    const unprotected = tokenlessAccepted(e.csrf);
    if (unprotected) return unprotected;
    if (!e.csrf.pair) return undecided(e.csrf);
    const own = e.csrf.origins.find((p) => p.kind === "own-origin");
    if (!own?.captured.response) {
      return {
        status: "error",
        summary: `the own-origin POST failed: ${own?.captured.error ?? "not sent"}`,
        evidence: present(own?.captured),
      };
    }
    if (gatewayError(own.captured)) {
      return {
        status: "error",
        summary: `the own-origin POST got no answer from the app: ${describe(own)}, the proxy's gateway error, decides nothing about CSRF`,
        evidence: [own.captured],
      };
    }
    if (appendSlashRedirect(own.captured)) {
      return {
        status: "error",
        summary: `the own-origin POST was redirected to the same path with a slash (${describe(own)}): Django's APPEND_SLASH answers before the CSRF check runs, so no answer to this URL says anything about CSRF; name the form's URL with its slash (--csrf-post)`,
        evidence: [own.captured],
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
    const errors = foreign.filter((p) => !p.captured.response || gatewayError(p.captured));
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
    // Django refuses with 403; any other answer (a 500, a rate limit's 429) shows no refusal by CSRF.
    const unexplained = foreign.filter((p) => !accepted(p.captured) && !refused(p.captured));
    if (unexplained.length) {
      return {
        status: "error",
        summary: `some foreign POSTs were answered neither with Django's CSRF refusal (403) nor accepted: ${unexplained.map(describe).join("; ")}`,
        evidence: unexplained.map((p) => p.captured).slice(0, 3),
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
