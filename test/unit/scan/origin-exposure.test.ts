/** origin-exposure over several app-server addresses: named origins, candidate ports, mutual TLS. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { originExposureCheck } from "../../../src/scan/checks/origin-exposure.js";
import type { Captured, OriginEvidence } from "../../../src/scan/evidence.js";
import { evidence, exchange, NO_REFERER_403, post } from "./fixtures.js";

function origin(url: string, baseline: Captured, extra: Partial<OriginEvidence> = {}): OriginEvidence {
  return { url, candidate: false, baseline, spoofs: [], ...extra };
}

const refusedAt = (url: string) => origin(url, exchange(url, undefined, {}, "connection refused"));

/** An app server that answers anyone and believes X-Forwarded-Proto from them. */
function believing(url: string, candidate: boolean): OriginEvidence {
  const get = exchange(url, { status: 200 });
  return origin(url, get, {
    candidate,
    baselinePost: post(url, 200),
    spoofs: [{ header: "X-Forwarded-Proto: https", get, post: post(url, 403, NO_REFERER_403) }],
  });
}

/** An app server that answers anyone but ignores their scheme headers. */
function ignoring(url: string, candidate: boolean): OriginEvidence {
  const get = exchange(url, { status: 200 });
  return origin(url, get, {
    candidate,
    baselinePost: post(url, 200),
    spoofs: [{ header: "X-Forwarded-Proto: https", get, post: post(url, 200) }],
  });
}

const judge = (...originServers: OriginEvidence[]) => originExposureCheck.judge(evidence({ originServers }));

test("several origins: the worst one decides, and every reachable one is reported with what it trusts", () => {
  const result = judge(ignoring("http://10.0.0.5:8000/", false), believing("http://10.0.0.6:8000/", false));
  assert.equal(result.status, "fail");
  assert.match(result.summary, /10\.0\.0\.5:8000\/ is reachable directly, but ignored X-Forwarded-Proto/);
  assert.match(result.summary, /10\.0\.0\.6:8000\/ answers anyone and believes their scheme headers/);
  assert.ok(result.evidence.every((c) => c.request.url.startsWith("http://10.0.0.6:8000/")));
  assert.equal(
    judge(ignoring("http://10.0.0.5:8000/", false), refusedAt("http://10.0.0.6:8000/")).status,
    "pass",
  );
});

test("candidates: closed ports share one line, an open one is judged like a named origin", () => {
  const closed = [8000, 8001, 5000].map((port) => ({
    ...refusedAt(`http://127.0.0.9:${port}/`),
    candidate: true,
  }));
  const allClosed = judge(...closed);
  assert.equal(allClosed.status, "pass");
  assert.equal(
    allClosed.summary,
    "not reachable on the usual app-server ports: 8000 (connection refused), 8001 (connection refused), 5000 (connection refused)",
  );
  const oneOpen = judge(...closed, believing("http://127.0.0.9:8080/", true));
  assert.equal(oneOpen.status, "fail");
  assert.match(oneOpen.summary, /127\.0\.0\.9:8080\/ answers anyone/);
  assert.match(oneOpen.summary, /usual app-server ports: 8000 .*5000 \(connection refused\)$/);
});

test("a port that accepts connections without speaking HTTP is reachable, not closed", () => {
  const uwsgi = {
    ...origin(
      "http://127.0.0.9:3031/",
      exchange("http://127.0.0.9:3031/", undefined, {}, "malformed HTTP response"),
    ),
    candidate: true,
  };
  const result = judge(uwsgi);
  assert.equal(result.status, "warn");
  assert.match(result.summary, /127\.0\.0\.9:3031\/ accepts connections but gave no HTTP answer/);
});

test("mutual TLS: an origin refusing clients without a certificate is not reachable by strangers", () => {
  const url = "https://app.test:8443/";
  // What nginx with ssl_verify_client on answers a client that sent none (its internal 496).
  const nginx400 = exchange(url, {
    status: 400,
    body: "<html><head><title>400 No required SSL certificate was sent</title></head></html>",
  });
  const nginx = judge(origin(url, nginx400));
  assert.equal(nginx.status, "pass");
  assert.match(nginx.summary, /refuses clients without a TLS client certificate \(400\)/);
  const tls13 = judge(
    origin(url, exchange(url, undefined, {}, "TLS handshake failed: tlsv13 alert certificate required")),
  );
  assert.equal(tls13.status, "pass");
  // Any other 400 is an answer: the origin is reachable, what it trusts unknown.
  assert.equal(judge(origin(url, exchange(url, { status: 400, body: "Bad Request" }))).status, "warn");
});

test("no origin named and no candidates: skipped", () => {
  assert.equal(judge().status, "skip");
});

test("an app server whose redirect to https gives way to a 200 under a claim believed it; one that shows nothing is not a pass", () => {
  const url = "http://10.0.0.5:8000/";
  const redirected = exchange(url, { status: 301, headers: [["Location", "https://10.0.0.5:8000/"]] });
  const answered = (status: number) =>
    origin(url, redirected, {
      spoofs: [{ header: "X-Forwarded-Proto: https", get: exchange(url, { status }) }],
    });
  const dropped = judge(answered(200));
  assert.equal(dropped.status, "fail");
  assert.match(
    dropped.summary,
    /the redirect to https \(301 -> https:\/\/10\.0\.0\.5:8000\/\) gave way to 200/,
  );
  assert.equal(judge(answered(400)).status, "warn");
  assert.equal(
    judge(origin(url, redirected, { spoofs: [{ header: "X-Forwarded-Proto: https", get: redirected }] }))
      .status,
    "pass",
  );
});
