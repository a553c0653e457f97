/**
 * A scan's deadline: its time limit or the caller's stop signal, whichever comes first, and once the
 * scan is released nothing of it stays attached to a stop signal that outlives it (a fleet's).
 */
import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { test } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { scanDeadline } from "../../../src/scan/deadline.js";

test("the time limit aborts with a TimeoutError", async () => {
  const deadline = scanDeadline(20, undefined, 4);
  await new Promise((resolve) => deadline.signal.addEventListener("abort", resolve));
  assert.equal((deadline.signal.reason as Error).name, "TimeoutError");
  deadline.release();
});

test("the stop signal aborts with its own reason, also when it was aborted before the scan began", () => {
  const stop = new AbortController();
  const running = scanDeadline(60_000, stop.signal, 4);
  stop.abort(new Error("interrupted"));
  assert.equal((running.signal.reason as Error).message, "interrupted");
  running.release();
  const late = scanDeadline(60_000, stop.signal, 4);
  assert.ok(late.signal.aborted);
  assert.equal((late.signal.reason as Error).message, "interrupted");
  late.release();
});

test("released deadlines leave nothing on a stop signal that outlives them", async () => {
  setFlagsFromString("--expose-gc");
  const collectGarbage = runInNewContext("gc") as () => void;
  const stop = new AbortController().signal;
  collectGarbage();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 50_000; i++) scanDeadline(60_000, stop, 4).release();
  await new Promise((resolve) => setImmediate(resolve));
  collectGarbage();
  const grown = process.memoryUsage().heapUsed - before;
  assert.equal(getEventListeners(stop, "abort").length, 0);
  // AbortSignal.any([AbortSignal.timeout(ms), stop]) kept about 17 MB here: an entry per call, for good.
  assert.ok(grown < 4 * 1024 * 1024, `the heap grew by ${(grown / 1024).toFixed(0)} KiB`);
});
