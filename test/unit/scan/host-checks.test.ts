import assert from "node:assert/strict";
import { test } from "node:test";
import { readBelief } from "../../../src/scan/belief.js";
import { csrfOriginCheck } from "../../../src/scan/checks/csrf-origin.js";
import { forwardedHostCheck } from "../../../src/scan/checks/forwarded-host.js";
import { hostHeaderCheck } from "../../../src/scan/checks/host-header.js";
import { originExposureCheck } from "../../../src/scan/checks/origin-exposure.js";
import type { CsrfOriginProbe, ForwardedHostProbe } from "../../../src/scan/evidence.js";
import { evidence, exchange, NO_REFERER_403, post, silent } from "./fixtures.js";

const page = (host = "app.test") =>
  exchange(`https://${host}/`, {
    status: 200,
    body: `<title>Shop</title><link rel="canonical" href="https://${host}/">`,
    headers: [["Set-Cookie", "csrftoken=a; Secure"]],
  });
const foreign = "proxytrust-foreign.invalid";

test("host-header fails when a foreign Host gets the app's page, passes when it is refused", () => {
  const baselines = { https: { get: page() }, http: {} };
  const served = evidence({
    baselines,
    hostProbes: [
      {
        kind: "foreign-host",
        injected: foreign,
        captured: exchange("https://app.test/", { status: 200, body: "<title>Shop</title>" }),
      },
    ],
  });
  assert.equal(hostHeaderCheck.judge(served).status, "fail");
  const reflected = evidence({
    baselines,
    hostProbes: [{ kind: "foreign-host", injected: foreign, captured: page(foreign) }],
  });
  assert.equal(hostHeaderCheck.judge(reflected).status, "fail");
  const refused = evidence({
    baselines,
    hostProbes: [
      {
        kind: "foreign-host",
        injected: foreign,
        captured: exchange("https://app.test/", undefined, {}, "connection reset by peer"),
      },
      {
        kind: "absolute-form",
        injected: foreign,
        captured: exchange("https://app.test/", {
          status: 400,
          body: `Invalid HTTP_HOST header: '${foreign}'`,
        }),
      },
      {
        kind: "foreign-host-http",
        injected: foreign,
        captured: exchange("http://app.test/", {
          status: 301,
          headers: [["Location", `https://${foreign}/`]],
        }),
      },
    ],
  });
  assert.equal(hostHeaderCheck.judge(refused).status, "pass");
});

const csrfControls = (ownStatus = 200, foreignStatus = 403) => ({
  pair: { pagePath: "/", postPath: "/contact/", cookieHeader: "csrftoken=a", formToken: "t" },
  searched: [],
  origins: [
    {
      kind: "own-origin" as const,
      origin: "https://app.test",
      captured: post("https://app.test/contact/", ownStatus),
    },
    {
      kind: "foreign-origin" as const,
      origin: `https://${foreign}`,
      captured: post("https://app.test/contact/", foreignStatus),
    },
  ],
});

test("forwarded-host fails when the forged host's Origin is accepted with the header or the host is reflected, passes when it is still refused", () => {
  const probe = (
    postStatus: number,
    get = exchange("https://app.test/", { status: 200 }),
  ): ForwardedHostProbe => ({
    header: `https X-Forwarded-Host: ${foreign}`,
    injected: foreign,
    get,
    post: post("https://app.test/contact/", postStatus),
  });
  const judge = (p: ForwardedHostProbe, csrf = csrfControls()) =>
    forwardedHostCheck.judge(
      evidence({ baselines: { https: { get: page() }, http: {} }, csrf, forwardedHost: [p] }),
    );
  assert.equal(judge(probe(403)).status, "pass");
  const used = judge(probe(200));
  assert.equal(used.status, "fail");
  assert.match(
    used.summary,
    /a POST with Origin https:\/\/proxytrust-foreign\.invalid was accepted \(200\) once the header was added/,
  );
  assert.equal(judge(probe(403, page(foreign))).status, "fail");
  const badRequest = (body: string) => exchange("https://app.test/", { status: 400, body });
  assert.equal(judge(probe(403, badRequest("<h1>Bad Request (400)</h1><p></p>"))).status, "fail");
  // A proxy's own 400 (Envoy refusing a header with an underscore) says nothing about Django's host.
  assert.equal(judge(probe(403, badRequest("<center><h1>400 Bad Request</h1></center>"))).status, "pass");
  // Without its controls (the own Origin refused, or the foreign one accepted anyway) the POST decides nothing.
  assert.equal(judge(probe(200), csrfControls(403, 403)).status, "error");
  assert.equal(judge(probe(200), csrfControls(200, 200)).status, "error");
  // Neither accepted nor Django's refusal: nothing.
  assert.equal(judge(probe(500)).status, "error");
  assert.equal(judge({ ...probe(403), post: undefined }).status, "error");
});

const csrfPair = { pagePath: "/", postPath: "/contact/", cookieHeader: "csrftoken=a", formToken: "t" };
const csrfProbe = (kind: CsrfOriginProbe["kind"], status: number): CsrfOriginProbe => ({
  kind,
  origin: "x",
  captured: post("https://app.test/contact/", status),
});
const judgeCsrfOrigins = (...origins: CsrfOriginProbe[]) =>
  csrfOriginCheck.judge(evidence({ csrf: { pair: csrfPair, searched: [], origins } }));

test("csrf-origin: own origin accepted and foreign refused passes; a refused own origin or an accepted foreign one fails", () => {
  const judge = (...origins: CsrfOriginProbe[]) => judgeCsrfOrigins(...origins).status;
  assert.equal(
    judge(csrfProbe("own-origin", 200), csrfProbe("foreign-origin", 403), csrfProbe("null-origin", 403)),
    "pass",
  );
  assert.equal(judge(csrfProbe("own-origin", 403), csrfProbe("foreign-origin", 403)), "fail");
  assert.equal(judge(csrfProbe("own-origin", 200), csrfProbe("foreign-origin", 200)), "fail");
  assert.equal(judge(csrfProbe("own-origin", 200), csrfProbe("sibling-origin", 200)), "warn");
  assert.equal(
    csrfOriginCheck.judge(evidence({ csrf: { searched: [], origins: [], reason: "no form" } })).status,
    "skip",
  );
});

test("host-header: a 200 with no title or cookie to compare, and another body, is no evidence of a refusal", () => {
  const json = (id: number) =>
    exchange("https://app.test/", { status: 200, body: `{"status":"ok","request":${id}}` });
  const judged = hostHeaderCheck.judge(
    evidence({
      baselines: { https: { get: json(1) }, http: {} },
      hostProbes: [{ kind: "foreign-host", injected: foreign, captured: json(2) }],
    }),
  );
  assert.equal(judged.status, "error");
  assert.match(judged.summary, /no title or cookie to tell the pages apart/);
  // Another page's title does tell them apart: nginx's default server answering for unknown names.
  const welcome = exchange("https://app.test/", { status: 200, body: "<title>Welcome to nginx!</title>" });
  const other = hostHeaderCheck.judge(
    evidence({
      baselines: { https: { get: page() }, http: {} },
      hostProbes: [{ kind: "foreign-host", injected: foreign, captured: welcome }],
    }),
  );
  assert.equal(other.status, "pass");
});

test("csrf-origin: only Django's 403 is a refusal; a 500 or a rate limit's 429 decides nothing", () => {
  for (const status of [500, 429, 400]) {
    const judged = judgeCsrfOrigins(csrfProbe("own-origin", 200), csrfProbe("foreign-origin", status));
    assert.equal(judged.status, "error", judged.summary);
    assert.match(judged.summary, /neither with Django's CSRF refusal \(403\) nor accepted/);
  }
});

test("csrf-origin and scheme: APPEND_SLASH's redirect of a POST comes before the CSRF check and decides nothing", () => {
  const redirect = (url: string, status: number, location: string) =>
    exchange(url, { status, headers: [["Location", location]] }, { method: "POST" });
  const slashed = (url: string) => redirect(url, 301, "/accounts/login/");
  const probeOf = (kind: CsrfOriginProbe["kind"]): CsrfOriginProbe => ({
    kind,
    origin: "x",
    captured: slashed("https://app.test/accounts/login"),
  });
  const judged = judgeCsrfOrigins(probeOf("own-origin"), probeOf("foreign-origin"), probeOf("null-origin"));
  assert.equal(judged.status, "error", judged.summary);
  assert.match(judged.summary, /APPEND_SLASH/);
  assert.equal(readBelief("https", undefined, slashed("https://app.test/accounts/login")).scheme, "unknown");
  // A form that redirects after a successful POST is still an acceptance.
  const thanks = redirect("http://app.test/contact/", 302, "/thanks/");
  assert.equal(readBelief("http", undefined, thanks).scheme, "http");
});

test("csrf-origin: a proxy's gateway error is neither a refusal nor an acceptance", () => {
  for (const status of [502, 503, 504]) {
    const own = judgeCsrfOrigins(csrfProbe("own-origin", status), csrfProbe("foreign-origin", 403));
    assert.equal(own.status, "error", own.summary);
    assert.match(own.summary, new RegExp(`no answer from the app: .*${status}`));
    assert.equal(
      judgeCsrfOrigins(csrfProbe("own-origin", 200), csrfProbe("foreign-origin", status)).status,
      "error",
    );
  }
  // An acceptance still fails, whatever else went unanswered.
  assert.equal(
    judgeCsrfOrigins(
      csrfProbe("own-origin", 200),
      csrfProbe("foreign-origin", 200),
      csrfProbe("null-origin", 502),
    ).status,
    "fail",
  );
});

test("csrf-origin without a token pair: a tokenless foreign-Origin POST answered 2xx fails; a refusal, a redirect or silence decides nothing", () => {
  const judge = (captured?: ReturnType<typeof post>) =>
    csrfOriginCheck.judge(
      evidence({
        csrf: {
          searched: [],
          origins: [],
          reason: "no page among / answered 200 with a CSRF cookie and a csrfmiddlewaretoken form field",
          ...(captured ? { tokenless: { source: "/contact/", captured } } : {}),
        },
      }),
    );
  const acceptedPost = judge(post("https://app.test/contact/", 200, "<p>Thanks!</p>"));
  assert.equal(acceptedPost.status, "fail");
  assert.match(
    acceptedPost.summary,
    /^no CSRF protection: a POST to \/contact\/ from a foreign Origin, without any CSRF token or cookie, was accepted \(200\)/,
  );
  assert.equal(judge(post("https://app.test/contact/", 201)).status, "fail");
  assert.equal(judge(post("https://app.test/contact/", 403, NO_REFERER_403)).status, "skip");
  assert.equal(judge(post("https://app.test/contact", 301)).status, "skip");
  assert.equal(
    judge(exchange("https://app.test/contact/", undefined, { method: "POST" }, "connection reset")).status,
    "skip",
  );
  assert.equal(judge().status, "skip");
});

test("origin-exposure: unreachable passes, a believed scheme header fails, ignored headers pass", () => {
  const url = "http://127.0.0.9:8000/";
  const direct = exchange(url, { status: 200 });
  const judge = (baselinePost: ReturnType<typeof post>, spoofPost: ReturnType<typeof post>) =>
    originExposureCheck.judge(
      evidence({
        originServers: [
          {
            url,
            candidate: false,
            baseline: direct,
            baselinePost,
            spoofs: [{ header: "X-Forwarded-Proto: https", get: direct, post: spoofPost }],
          },
        ],
      }),
    ).status;
  assert.equal(judge(post(url, 200), post(url, 403, NO_REFERER_403)), "fail");
  assert.equal(judge(post(url, 200), post(url, 200)), "pass");
  const refused = evidence({
    originServers: [
      { url, candidate: false, baseline: exchange(url, undefined, {}, "connection refused"), spoofs: [] },
    ],
  });
  assert.equal(originExposureCheck.judge(refused).status, "pass");
  assert.equal(originExposureCheck.judge(evidence()).status, "skip");
});

test("a probe that timed out under load decides nothing: never a pass for host-header, never a fail for forwarded-host", () => {
  const timeout = silent("https://app.test/");
  const baselines = { https: { get: page() }, http: {} };
  const hostOnlyTimeout = evidence({
    baselines,
    hostProbes: [{ kind: "foreign-host", injected: foreign, captured: timeout }],
  });
  assert.equal(hostHeaderCheck.judge(hostOnlyTimeout).status, "error");
  const slowPost = {
    header: `https X-Forwarded-Host: ${foreign}`,
    injected: foreign,
    get: exchange("https://app.test/", { status: 200 }),
    post: silent("https://app.test/contact/", "POST"),
  };
  assert.equal(
    forwardedHostCheck.judge(evidence({ baselines, csrf: csrfControls(), forwardedHost: [slowPost] })).status,
    "error",
  );
});

test("a foreign-host answer that broke off mid-body is no evidence of a refusal", () => {
  const cut = (url: string, body: string) => {
    const captured = exchange(url, { status: 200, body });
    captured.response!.brokenOff = true;
    return captured;
  };
  const baselines = { https: { get: page() }, http: {} };
  const brokenProbe = evidence({
    baselines,
    hostProbes: [
      { kind: "foreign-host", injected: foreign, captured: cut("https://app.test/", "<html><he") },
    ],
  });
  assert.equal(hostHeaderCheck.judge(brokenProbe).status, "error");
  const brokenBaseline = evidence({
    baselines: { https: { get: cut("https://app.test/", "<html>") }, http: {} },
    hostProbes: [
      { kind: "foreign-host", injected: foreign, captured: exchange("https://app.test/", { status: 404 }) },
    ],
  });
  assert.equal(hostHeaderCheck.judge(brokenBaseline).status, "error");
});
