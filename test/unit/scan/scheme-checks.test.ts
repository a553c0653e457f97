import assert from "node:assert/strict";
import { test } from "node:test";
import { readBelief } from "../../../src/scan/belief.js";
import { schemeCheck } from "../../../src/scan/checks/scheme.js";
import { spoofedProtoCheck } from "../../../src/scan/checks/spoofed-proto.js";
import type { SchemeSpoof } from "../../../src/scan/evidence.js";
import { evidence, exchange, NO_REFERER_403, post } from "./fixtures.js";

const httpsGet = exchange("https://app.test/", { status: 200 });
const httpsPost403 = post("https://app.test/contact/", 403, NO_REFERER_403);
const httpPost200 = post("http://app.test/contact/", 200);

test("belief: Django's no-Referer refusal means https, an accepted token POST means http", () => {
  assert.equal(readBelief("https", httpsGet, httpsPost403).scheme, "https");
  assert.equal(readBelief("http", undefined, httpPost200).scheme, "http");
  // A 403 for another reason (bad token) says nothing, nor does a 404 (CSRF never ran).
  assert.equal(
    readBelief("https", httpsGet, post("https://app.test/contact/", 403, "CSRF cookie not set")).scheme,
    "unknown",
  );
  assert.equal(readBelief("https", httpsGet, post("https://app.test/contact/", 404)).scheme, "unknown");
});

test("belief: an upgrade redirect means http, HSTS over plain HTTP means https", () => {
  const upgrade = exchange("http://app.test/a?b=1", {
    status: 301,
    headers: [["Location", "https://app.test/a?b=1"]],
  });
  assert.equal(readBelief("http", upgrade, undefined).scheme, "http");
  const hsts = exchange("http://app.test/", {
    status: 200,
    headers: [["Strict-Transport-Security", "max-age=60"]],
  });
  assert.equal(readBelief("http", hsts, undefined).scheme, "https");
  // Over HTTPS the proxy may add HSTS itself, so it proves nothing.
  assert.equal(readBelief("https", hsts, undefined).scheme, "unknown");
});

test("scheme passes when HTTPS is seen as https and fails when it is seen as http", () => {
  const ok = evidence({
    baselines: {
      https: { get: httpsGet, postNoReferer: httpsPost403 },
      http: { postNoReferer: httpPost200 },
    },
  });
  assert.equal(schemeCheck.judge(ok).status, "pass");
  const seenAsHttp = evidence({
    baselines: { https: { get: httpsGet, postNoReferer: post("https://app.test/contact/", 200) }, http: {} },
  });
  assert.equal(schemeCheck.judge(seenAsHttp).status, "fail");
});

test("HSTS on a plain-HTTP answer alone is a warning: a proxy adding it to every answer looks the same", () => {
  const hstsOverHttp = exchange("http://app.test/", {
    status: 200,
    headers: [["Strict-Transport-Security", "max-age=31536000; includeSubDomains"]],
  });
  const judged = schemeCheck.judge(
    evidence({
      baselines: { https: { get: httpsGet, postNoReferer: httpsPost403 }, http: { get: hstsOverHttp } },
    }),
  );
  assert.equal(judged.status, "warn");
  assert.match(judged.summary, /a proxy that adds it to every answer looks the same/);
  // Django's own word on the same request still decides.
  const refused = post("http://app.test/contact/", 403, NO_REFERER_403);
  const believed = evidence({
    baselines: {
      https: { get: httpsGet, postNoReferer: httpsPost403 },
      http: { get: hstsOverHttp, postNoReferer: refused },
    },
  });
  assert.equal(schemeCheck.judge(believed).status, "fail");
});

test("scheme fails on an HTTPS self-redirect loop and reports error when nothing can be read", () => {
  const selfRedirect = exchange("https://app.test/", {
    status: 301,
    headers: [["Location", "https://app.test/"]],
  });
  const loop = evidence({
    baselines: { https: { get: selfRedirect }, http: {} },
    httpsChain: { hops: [selfRedirect], outcome: "loop" },
  });
  assert.equal(schemeCheck.judge(loop).status, "fail");
  const blind = evidence({ baselines: { https: { get: httpsGet }, http: {} } });
  assert.equal(schemeCheck.judge(blind).status, "error");
});

function spoof(leg: "http" | "https", header: string, postStatus: number, body = ""): SchemeSpoof {
  const url = `${leg}://app.test/contact/`;
  return {
    leg,
    header,
    claimed: leg === "http" ? "https" : "http",
    get: exchange(`${leg}://app.test/`, { status: 200 }),
    post: post(url, postStatus, body),
  };
}

test("spoofed-proto fails when a plain-HTTP claim of https makes Django demand a Referer", () => {
  const e = evidence({
    baselines: {
      https: { get: httpsGet, postNoReferer: httpsPost403 },
      http: { get: exchange("http://app.test/", { status: 200 }), postNoReferer: httpPost200 },
    },
    schemeSpoofs: [
      spoof("http", "X-Forwarded-Ssl: on", 403, NO_REFERER_403),
      spoof("https", "X-Forwarded-Proto: http", 403, NO_REFERER_403),
    ],
  });
  const result = spoofedProtoCheck.judge(e);
  assert.equal(result.status, "fail");
  assert.match(result.summary, /X-Forwarded-Ssl: on/);
  assert.doesNotMatch(result.summary, /X-Forwarded-Proto: http/);
});

test("spoofed-proto passes only when every claim was read and ignored", () => {
  const baselines = {
    https: { get: httpsGet, postNoReferer: httpsPost403 },
    http: { get: exchange("http://app.test/", { status: 200 }), postNoReferer: httpPost200 },
  };
  const ignored = evidence({
    baselines,
    schemeSpoofs: [
      spoof("http", "X-Forwarded-Proto: https", 200),
      spoof("https", "X-Forwarded-Proto: http", 403, NO_REFERER_403),
    ],
  });
  assert.equal(spoofedProtoCheck.judge(ignored).status, "pass");
  const changed = evidence({ baselines, schemeSpoofs: [spoof("http", "X-Forwarded-Ssl: on", 400)] });
  assert.equal(spoofedProtoCheck.judge(changed).status, "warn");
  const blind = evidence({
    baselines: { https: { get: httpsGet }, http: {} },
    schemeSpoofs: [{ ...spoof("https", "X-Scheme: http", 200), post: undefined }],
  });
  assert.equal(spoofedProtoCheck.judge(blind).status, "error");
});

test("spoofed-proto: a claim of https that turns the plain request's redirect to https into a 200 was believed", () => {
  const redirected = exchange("http://app.test/", {
    status: 301,
    headers: [["Location", "https://app.test/"]],
  });
  const e = evidence({
    baselines: { https: { get: httpsGet }, http: { get: redirected } },
    schemeSpoofs: [{ ...spoof("http", "X-Forwarded-Proto: https", 200), post: undefined }],
  });
  const result = spoofedProtoCheck.judge(e);
  assert.equal(result.status, "fail");
  assert.match(result.summary, /gave way to 200/);
});
