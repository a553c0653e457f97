/** The mutual-TLS judgement over what an nginx origin with ssl_verify_client answered. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { originMtlsCheck } from "../../../src/scan/checks/origin-mtls.js";
import type { Captured } from "../../../src/scan/evidence.js";
import { evidence, exchange, silent } from "./fixtures.js";

const ORIGIN = "https://app.test:8443";
const ok = () => exchange(`${ORIGIN}/`, { status: 200 });
const noCertificate = () =>
  exchange(`${ORIGIN}/`, { status: 400, body: "No required SSL certificate was sent" });
const badCertificate = () => exchange(`${ORIGIN}/`, { status: 400, body: "The SSL certificate error" });

function judge(without: Captured, proxy: Captured, foreign: Captured) {
  return originMtlsCheck.judge(
    evidence({
      mtls: {
        origin: ORIGIN,
        withoutCertificate: without,
        withProxyCertificate: proxy,
        withForeignCertificate: foreign,
      },
    }),
  );
}

test("ssl_verify_client on: pass", () => {
  assert.equal(judge(noCertificate(), ok(), badCertificate()).status, "pass");
});

test("a TLS handshake refused without a certificate also counts as refused", () => {
  const alert = exchange(
    `${ORIGIN}/`,
    undefined,
    {},
    "TLS handshake failed: tlsv13 alert certificate required",
  );
  assert.equal(judge(alert, ok(), alert).status, "pass");
});

test("ssl_verify_client optional or off: the stranger is served, fail", () => {
  const result = judge(ok(), ok(), badCertificate());
  assert.equal(result.status, "fail");
  assert.match(result.summary, /served a client without a certificate \(200\)/);
});

test("a certificate from another CA served: fail", () => {
  const result = judge(noCertificate(), ok(), ok());
  assert.equal(result.status, "fail");
  assert.match(result.summary, /self-signed certificate \(another CA\) \(200\)/);
});

test("the proxy's own certificate refused: error, never pass", () => {
  const result = judge(noCertificate(), badCertificate(), badCertificate());
  assert.equal(result.status, "error");
  assert.match(result.summary, /refused the proxy's own client certificate \(400\)/);
});

test("a stranger answered by silence: error, never pass", () => {
  const result = judge(silent(`${ORIGIN}/`), ok(), badCertificate());
  assert.equal(result.status, "error");
  assert.match(result.summary, /gave a client without a certificate no answer in time/);
});
