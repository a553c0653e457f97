import assert from "node:assert/strict";
import { test } from "node:test";
import { readBelief } from "../../../src/scan/belief.js";
import { clientIpCheck } from "../../../src/scan/checks/client-ip.js";
import { forwardedHostCheck } from "../../../src/scan/checks/forwarded-host.js";
import { probeAnswer } from "../../../src/scan/probe-answer.js";
import { FORGED_CLIENT_IP } from "../../../src/scan/spoof-headers.js";
import { djangoView, evidence, exchange } from "./fixtures.js";

const PROBE = "https://app.test/.well-known/proxytrust";

test("Django's own word beats every fingerprint; a 404 from the app is no answer", () => {
  const redirect = exchange("http://app.test/", {
    status: 301,
    headers: [["Location", "https://app.test/"]],
  });
  assert.equal(
    readBelief("http", redirect, undefined, djangoView(PROBE, { scheme: "https" })).scheme,
    "https",
  );
  assert.equal(
    readBelief("http", redirect, undefined, exchange(PROBE, { status: 404, body: "{}" })).scheme,
    "http",
  );
});

test("forwarded-host: the probe's host decides", () => {
  const probe = (host: string) => ({
    header: "https X-Forwarded-Host: evil.invalid",
    injected: "evil.invalid",
    get: exchange("https://app.test/", { status: 200 }),
    probe: djangoView(PROBE, { host }),
  });
  assert.equal(forwardedHostCheck.judge(evidence({ forwardedHost: [probe("evil.invalid")] })).status, "fail");
  assert.equal(forwardedHostCheck.judge(evidence({ forwardedHost: [probe("app.test")] })).status, "pass");
});

test("client-ip: a forged address in REMOTE_ADDR or X-Real-IP fails, an appended X-Forwarded-For warns", () => {
  const judge = (header: string, view: Parameters<typeof djangoView>[1]) =>
    clientIpCheck.judge(
      evidence({
        probeAsked: true,
        clientIp: [{ header, injected: FORGED_CLIENT_IP, probe: djangoView(PROBE, view) }],
      }),
    ).status;
  assert.equal(judge("X-Real-IP", { headers: { HTTP_X_REAL_IP: FORGED_CLIENT_IP } }), "fail");
  assert.equal(judge("X-Forwarded-For", { remote_addr: FORGED_CLIENT_IP }), "fail");
  assert.equal(
    judge("X-Forwarded-For", { headers: { HTTP_X_FORWARDED_FOR: `${FORGED_CLIENT_IP}, 127.0.0.1` } }),
    "warn",
  );
  assert.equal(judge("X-Forwarded-For", { headers: { HTTP_X_FORWARDED_FOR: "127.0.0.1" } }), "pass");
  assert.equal(clientIpCheck.judge(evidence()).status, "skip");
  const silent = evidence({
    probeAsked: true,
    clientIp: [{ header: "X-Real-IP", injected: FORGED_CLIENT_IP, probe: exchange(PROBE, { status: 404 }) }],
  });
  assert.equal(clientIpCheck.judge(silent).status, "error");
});

test("a probe answer counts only in the documented shape; other fields are dropped", () => {
  const answer = (body: unknown, status = 200) =>
    probeAnswer(exchange(PROBE, { status, body: typeof body === "string" ? body : JSON.stringify(body) }));
  const valid = {
    probe_version: 1,
    scheme: "https",
    host: "app.test",
    host_error: null,
    remote_addr: "203.0.113.7",
    headers: { HTTP_X_FORWARDED_PROTO: "https" },
  };
  assert.deepEqual(answer({ ...valid, extra: true }), valid);
  assert.deepEqual(answer({ ...valid, scheme: null, host: null }), { ...valid, scheme: null, host: null });
  for (const broken of [
    { ...valid, probe_version: "1" },
    { ...valid, scheme: "ftp" },
    { ...valid, host: 7 },
    { ...valid, remote_addr: undefined },
    { ...valid, headers: { A: 1 } },
    { ...valid, headers: ["a"] },
    [valid],
    null,
  ])
    assert.equal(answer(broken), undefined, JSON.stringify(broken));
  assert.equal(answer("not json"), undefined);
  assert.equal(answer(valid, 404), undefined);
});
