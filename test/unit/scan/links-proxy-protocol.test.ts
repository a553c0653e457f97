/** The PROXY protocol judgement over exchanges captured from real nginx and HAProxy listeners. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { proxyProtocolCheck } from "../../../src/scan/checks/proxy-protocol.js";
import type { Captured } from "../../../src/scan/evidence.js";
import type { ProxyProtocolProbe } from "../../../src/scan/evidence.js";
import { djangoView, evidence, exchange, silent } from "./fixtures.js";

const LISTENER = "https://app.test:8443";
const FORGED = "198.51.100.23";
const PROBE_URL = `${LISTENER}/.well-known/proxytrust`;

const reset = (url: string) => exchange(url, undefined, {}, "connection reset by peer");

interface Setup {
  noHeader?: Captured;
  forged?: Captured;
  ordinaryHttps?: Captured;
  ordinaryHttp?: Captured;
  probeAsked?: boolean;
}

function judge(setup: Setup) {
  const probes: ProxyProtocolProbe[] = [
    { kind: "no-header", listener: LISTENER, captured: setup.noHeader ?? reset(`${LISTENER}/`) },
    ...([1, 2] as const).map((version) => ({
      kind: "forged-header" as const,
      version,
      listener: LISTENER,
      captured: setup.forged ?? reset(PROBE_URL),
    })),
    ...([1, 2] as const).flatMap((version) => [
      {
        kind: "header-on-ordinary-listener" as const,
        version,
        listener: "https://app.test",
        captured:
          setup.ordinaryHttps ??
          exchange("https://app.test/", undefined, {}, "TLS handshake failed: wrong version number"),
      },
      {
        kind: "header-on-ordinary-listener" as const,
        version,
        listener: "http://app.test",
        captured: setup.ordinaryHttp ?? exchange("http://app.test/", { status: 400 }),
      },
    ]),
  ];
  return proxyProtocolCheck.judge(
    evidence({
      proxyProtocol: { listener: LISTENER, injected: FORGED, probes, probeAsked: setup.probeAsked ?? true },
    }),
  );
}

test("HAProxy rejecting every peer but the load balancer: pass", () => {
  const result = judge({});
  assert.equal(result.status, "pass");
  assert.match(result.summary, /PROXY v1 from this scanner: refused \(connection reset by peer\)/);
});

test("nginx reading the header but believing only the load balancer: pass on Django's word", () => {
  const result = judge({ forged: djangoView(PROBE_URL, { headers: { HTTP_X_FORWARDED_FOR: "127.0.0.1" } }) });
  assert.equal(result.status, "pass");
  assert.match(result.summary, /accepted, but Django never saw 198\.51\.100\.23/);
});

test("a forged header that becomes X-Forwarded-For or REMOTE_ADDR: fail", () => {
  const xff = judge({ forged: djangoView(PROBE_URL, { headers: { HTTP_X_FORWARDED_FOR: FORGED } }) });
  assert.equal(xff.status, "fail");
  assert.match(
    xff.summary,
    /a PROXY v1 header from this scanner: X_FORWARDED_FOR reached Django as '198\.51\.100\.23'/,
  );
  const remote = judge({ forged: djangoView(PROBE_URL, { remote_addr: FORGED }) });
  assert.equal(remote.status, "fail");
  assert.match(remote.summary, /REMOTE_ADDR became the forged 198\.51\.100\.23/);
});

test("a forged header accepted without the probe middleware: warn, never pass", () => {
  const result = judge({ forged: exchange(`${LISTENER}/`, { status: 200 }), probeAsked: false });
  assert.equal(result.status, "warn");
  assert.match(result.summary, /whether the app then believed it needs --probe-token/);
});

test("a PROXY listener that also serves plain connections: fail", () => {
  const result = judge({ noHeader: exchange(`${LISTENER}/`, { status: 200 }) });
  assert.equal(result.status, "fail");
  assert.match(result.summary, /served a request without a PROXY header \(200\)/);
});

test("an ordinary listener that serves the request after a PROXY header (it guesses): fail", () => {
  const result = judge({
    ordinaryHttp: exchange("http://app.test/", { status: 301, headers: [["Location", "https://app.test/"]] }),
  });
  assert.equal(result.status, "fail");
  assert.match(
    result.summary,
    /the ordinary listener http:\/\/app\.test served a request after a PROXY v1 header/,
  );
});

test("a listener that cannot be reached: error, whatever else was seen", () => {
  const result = judge({ noHeader: exchange(`${LISTENER}/`, undefined, {}, "connection refused") });
  assert.equal(result.status, "error");
  assert.match(result.summary, /could not be reached \(connection refused\)/);
});

test("a probe answered by silence: error, since a timeout is neither a refusal nor an acceptance", () => {
  const result = judge({ noHeader: silent(`${LISTENER}/`), forged: silent(PROBE_URL) });
  assert.equal(result.status, "error");
  assert.match(result.summary, /no answer in time \(no complete answer within 10 s\)/);
});
