import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { HostLimiterPool } from "../../../src/fleet/host-limiter.js";
import { ProbeClient } from "../../../src/scan/probe-client.js";
import { DEFAULT_TRANSPORT, type WireResult } from "../../../src/transport/send.js";

/** Counts requests in flight per host while each "request" waits a few event-loop turns. */
function recorder() {
  const inFlight = new Map<string, number>();
  const peak = new Map<string, number>();
  const starts: [string, number][] = [];
  const send = (url: URL) => async () => {
    const host = url.hostname;
    starts.push([host, performance.now()]);
    inFlight.set(host, (inFlight.get(host) ?? 0) + 1);
    peak.set(host, Math.max(peak.get(host) ?? 0, inFlight.get(host)!));
    await sleep(2);
    inFlight.set(host, inFlight.get(host)! - 1);
    return host;
  };
  return { send, peak, starts };
}

test("at most perHost requests run at once per host, across all callers; hosts do not block each other", async () => {
  const pool = new HostLimiterPool({ perHost: 2, delayMs: 0 });
  const { send, peak } = recorder();
  const urls = Array.from({ length: 60 }, (_, i) => new URL(`https://${["a", "b", "c"][i % 3]}.test/${i}`));
  const answers = await Promise.all(urls.map((url) => pool.gate(url, send(url))));
  assert.deepEqual(
    answers,
    urls.map((url) => url.hostname),
    "every request ran and returned its own answer",
  );
  assert.deepEqual([...peak.entries()].sort(), [
    ["a.test", 2],
    ["b.test", 2],
    ["c.test", 2],
  ]);
  assert.equal(pool.size, 0, "idle limiters are dropped");
});

test("host names are compared case-insensitively", async () => {
  const pool = new HostLimiterPool({ perHost: 1, delayMs: 0 });
  const { send, peak } = recorder();
  const urls = ["https://APP.test/", "https://app.test/x", "http://App.Test/"].map((u) => new URL(u));
  await Promise.all(urls.map((url) => pool.gate(url, send(url))));
  assert.deepEqual([...peak.values()], [1]);
});

test("requests to one host start at least delayMs apart", async () => {
  const pool = new HostLimiterPool({ perHost: 4, delayMs: 20 });
  const { send, starts } = recorder();
  const url = new URL("https://slow.test/");
  await Promise.all(Array.from({ length: 5 }, () => pool.gate(url, send(url))));
  const times = starts.map(([, t]) => t);
  // Timers fire late under load, never more than a millisecond early (2 ms slack for rounding); a
  // late start pushes the next one back instead of shortening the gap.
  for (let i = 1; i < times.length; i++)
    assert.ok(times[i]! - times[i - 1]! > 18, `gap ${times[i]! - times[i - 1]!}`);
});

test("with a delay, each host's limiter is dropped once its delay has passed", async () => {
  const pool = new HostLimiterPool({ perHost: 2, delayMs: 20 });
  const { send } = recorder();
  const urls = Array.from({ length: 50 }, (_, i) => new URL(`https://host${i}.test/`));
  await Promise.all(urls.map((url) => pool.gate(url, send(url))));
  // Timers run late on a loaded machine: wait for the drop, for far longer than the delay if need be.
  for (let waited = 0; pool.size > 0 && waited < 5000; waited += 10)
    await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(pool.size, 0, "a fleet of many hosts leaves no limiter behind");
});

test("a failing request frees its slot", async () => {
  const pool = new HostLimiterPool({ perHost: 1, delayMs: 0 });
  const url = new URL("https://a.test/");
  await assert.rejects(
    pool.gate(url, () => Promise.reject(new Error("boom"))),
    /boom/,
  );
  assert.equal(await pool.gate(url, async () => "next"), "next");
});

test("every probe of a scan passes the request gate", async () => {
  const gated: string[] = [];
  const answer: WireResult = {
    ok: true,
    response: { status: 204, headers: [], body: "", bodyTruncated: false },
  };
  const client = new ProbeClient({ ...DEFAULT_TRANSPORT, mappings: [] }, [], 4, async <T>(url: URL) => {
    gated.push(url.href);
    return answer as T; // answered by the gate: nothing is sent
  });
  const captured = await Promise.all(
    ["https://a.test/", "http://b.test/x"].map((u) => client.probe({ label: u, url: new URL(u) })),
  );
  assert.deepEqual(gated, ["https://a.test/", "http://b.test/x"]);
  assert.deepEqual(
    captured.map((c) => c.response?.status),
    [204, 204],
  );
  assert.equal(client.count, 2);
});
