import type { Captured, CsrfOriginProbe, ForwardedHostProbe } from "../evidence.js";
import { accepted } from "../belief.js";
import { describeOutcome, headerNameOf, present, refused, type LiveCheck } from "./check.js";
import { probeAnswer } from "../probe-answer.js";
import { reflection } from "./host-header.js";

type Verdict =
  | { kind: "used"; text: string; evidence: Captured[]; header: string }
  | { kind: "ignored"; text: string }
  | { kind: "undecided"; text: string };

/**
 * Django's answer to DisallowedHost: its stock 400 page ("Bad Request (400)"), or with DEBUG the error
 * page naming the exception. A proxy refusing the header (Envoy with headers_with_underscores_action:
 * REJECT_REQUEST) answers 400 with a page of its own.
 */
function djangoBadRequest(captured: Captured): boolean {
  const response = captured.response;
  return (
    response?.status === 400 &&
    /Bad Request \(400\)|DisallowedHost|Invalid HTTP_HOST header/.test(response.body)
  );
}

function judgeProbe(probe: ForwardedHostProbe, e: Parameters<LiveCheck["judge"]>[0]): Verdict {
  const name = headerNameOf(probe.header);
  const seen = probeAnswer(probe.probe);
  if (seen) {
    const view = `Django saw host=${seen.host ?? seen.host_error} (probe middleware)`;
    const took = seen.host?.includes(probe.injected) || seen.host_error?.includes(probe.injected);
    return took
      ? { kind: "used", text: `${probe.header}: ${view}`, evidence: present(probe.probe), header: name }
      : { kind: "ignored", text: `${probe.header}: ${view}` };
  }
  for (const captured of present(probe.get, probe.post)) {
    const where = reflection(captured, probe.injected);
    if (where)
      return {
        kind: "used",
        text: `${probe.header}: the injected host came back in ${where}`,
        evidence: [captured],
        header: name,
      };
  }
  const leg = probe.header.startsWith("http ") ? "http" : "https";
  const baseGet = e.baselines[leg].get;
  const baseStatus = baseGet?.response?.status;
  if (djangoBadRequest(probe.get) && baseStatus !== undefined && baseStatus < 400) {
    return {
      kind: "used",
      text: `${probe.header}: the answer turned into 400 (Django's DisallowedHost): the app took its host from the header; ALLOWED_HOSTS refused this one, any allowed name would pass`,
      evidence: present(probe.get, baseGet),
      header: name,
    };
  }
  // Django accepts an Origin equal to scheme://get_host(). With the site's own Origin accepted and the
  // foreign one refused (no CSRF_TRUSTED_ORIGINS entry covers it), the foreign Origin passes with the
  // header only if Django's host came from it. An own-Referer POST would not tell: a trusted origin or
  // CSRF_COOKIE_DOMAIN lets it through whatever get_host() says.
  const origin = (kind: CsrfOriginProbe["kind"]) => e.csrf.origins.find((p) => p.kind === kind)?.captured;
  const own = origin("own-origin");
  const foreign = origin("foreign-origin");
  if (probe.post?.response && accepted(own) && refused(foreign)) {
    if (accepted(probe.post))
      return {
        kind: "used",
        text: `${probe.header}: a POST with Origin https://${probe.injected} was accepted (${describeOutcome(probe.post)}) once the header was added, where without it the same Origin was refused: Django's host came from the header`,
        evidence: present(probe.post, foreign),
        header: name,
      };
    if (refused(probe.post))
      return {
        kind: "ignored",
        text: `${probe.header}: a POST with Origin https://${probe.injected} was still refused (403): Django's host did not come from the header`,
      };
  }
  return {
    kind: "undecided",
    text: `${probe.header}: ${describeOutcome(probe.get)}, nothing showed which host the app used`,
  };
}

/** A client-sent X-Forwarded-Host or Forwarded host= never becomes the app's host. */
export const forwardedHostCheck: LiveCheck = {
  clause: "forwarded-host",
  severity: "high",
  judge(e) {
    const verdicts = e.forwardedHost.map((p) => judgeProbe(p, e));
    const used = verdicts.filter((v): v is Extract<Verdict, { kind: "used" }> => v.kind === "used");
    if (used.length) {
      return {
        status: "fail",
        summary: used.map((v) => v.text).join("\n"),
        evidence: used.flatMap((v) => v.evidence).slice(0, 3),
        headersThrough: used.map((v) => v.header),
      };
    }
    const ignored = verdicts.filter((v) => v.kind === "ignored");
    if (ignored.length === 0) {
      return {
        status: "error",
        summary: `could not tell whether the app reads X-Forwarded-Host: no response reflected the host and no CSRF form was found to test with (--csrf-path)`,
        evidence: present(e.forwardedHost[0]?.get),
      };
    }
    return {
      status: "pass",
      summary: `forwarded-host claims were ignored:\n${verdicts.map((v) => v.text).join("\n")}`,
      evidence: present(e.forwardedHost[0]?.post, e.forwardedHost[0]?.get),
    };
  },
};
