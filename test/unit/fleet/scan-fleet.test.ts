/** The fleet runner on loopback, against a port nobody listens on: every probe is refused at once. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { HostLimiterPool } from "../../../src/fleet/host-limiter.js";
import { scanFleet, type FleetTarget } from "../../../src/fleet/scan-fleet.js";
import type { RequestGate } from "../../../src/scan/options.js";
import { DEFAULT_SCAN_OPTIONS } from "../../../src/scan/options.js";
import { freePort } from "../../../stacks/ports.js";

async function refusedTargets(urls: string[]): Promise<FleetTarget[]> {
  const port = String(await freePort("127.0.0.1"));
  const options = {
    ...DEFAULT_SCAN_OPTIONS,
    mappings: [{ fromHost: "", fromPort: "", toHost: "127.0.0.1", toPort: port }],
  };
  return urls.map((url) => ({ url: new URL(url), options }));
}

test("all scans of a host share one limiter: requests in flight per host never exceed the limit", async () => {
  const pool = new HostLimiterPool({ perHost: 1, delayMs: 0 });
  const inFlight = new Map<string, number>();
  const peak = new Map<string, number>();
  let sent = 0;
  // Counts what actually reaches the transport, behind the pool.
  const gate: RequestGate = (url, send) =>
    pool.gate(url, async () => {
      const host = url.hostname;
      sent += 1;
      inFlight.set(host, (inFlight.get(host) ?? 0) + 1);
      peak.set(host, Math.max(peak.get(host) ?? 0, inFlight.get(host)!));
      try {
        return await send();
      } finally {
        inFlight.set(host, inFlight.get(host)! - 1);
      }
    });
  const urls = [
    "https://a.test/",
    "https://a.test/x",
    "https://a.test/y",
    "https://b.test/",
    "https://b.test/z",
  ];
  const outcome = await scanFleet(await refusedTargets(urls), {
    concurrency: 5,
    politeness: { perHost: 1, delayMs: 0 },
    gate,
  });
  assert.deepEqual([...peak.entries()].sort(), [
    ["a.test", 1],
    ["b.test", 1],
  ]);
  assert.equal(sent, outcome.summary.requests, "every request of every scan passed the gate");
  assert.equal(outcome.couldNotRun, 5);
  assert.equal(outcome.scanned, 0);
});

test("reports arrive one by one, finished, and the summary keeps the input order", async () => {
  const urls = Array.from({ length: 6 }, (_, i) => `https://t${i}.test/`);
  const seen: string[] = [];
  const outcome = await scanFleet(await refusedTargets(urls), {
    concurrency: 3,
    politeness: { perHost: 2, delayMs: 0 },
    finish: (report) => ({ ...report, proxy: "finished" }),
    onReport: (report) => {
      assert.equal(report.proxy, "finished", "finish runs before anyone sees the report");
      assert.match(report.couldNotRun ?? "", /did not answer/);
      seen.push(report.target);
    },
  });
  assert.deepEqual([...seen].sort(), [...urls].sort());
  assert.deepEqual(
    outcome.summary.targets?.map((t) => t.target),
    urls,
  );
  assert.equal(outcome.summary.target, "6 targets (6 could not be scanned)");
});
