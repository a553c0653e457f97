import assert from "node:assert/strict";
import { test } from "node:test";
import { FleetProgress } from "../../../src/fleet/progress.js";
import type { Report } from "../../../src/report/model.js";

const report = (status: "pass" | "fail", extra: Partial<Report> = {}, suppressed = false): Report => ({
  tool: "proxytrust",
  version: "0",
  command: "scan",
  target: "https://a.test/",
  checks: [
    {
      id: "hsts",
      clause: "hsts",
      status,
      severity: "high",
      title: "t",
      summary: "s",
      evidence: [],
      ...(suppressed ? { suppression: { reason: "r", expired: false } } : {}),
    },
  ],
  ...extra,
});

function sink(isTTY: boolean) {
  const written: string[] = [];
  return { isTTY, written, write: (text: string) => written.push(text) };
}

test("on a terminal one line is rewritten in place after every target, then ended", () => {
  const out = sink(true);
  const progress = new FleetProgress(12, out);
  progress.record(report("pass"));
  progress.record(report("fail"));
  progress.finish();
  assert.deepEqual(out.written, [
    "\r\x1b[Kproxytrust:  1/12 targets scanned, 0 with failures, 0 could not be scanned",
    "\r\x1b[Kproxytrust:  2/12 targets scanned, 1 with failures, 0 could not be scanned",
    "\r\x1b[Kproxytrust:  2/12 targets scanned, 1 with failures, 0 could not be scanned\n",
  ]);
});

test("elsewhere (CI) plain lines at most once per interval, and always a last line", () => {
  const out = sink(false);
  let clock = 0;
  const progress = new FleetProgress(3, out, 1000, () => clock);
  progress.record(report("pass"));
  clock = 999;
  progress.record(report("fail", {}, true));
  assert.deepEqual(out.written, [], "nothing before the interval");
  clock = 1000;
  progress.record(report("fail", { couldNotRun: "down" }));
  progress.finish();
  assert.deepEqual(out.written, [
    "proxytrust: 3/3 targets scanned, 0 with failures, 1 could not be scanned\n",
    "proxytrust: 3/3 targets scanned, 0 with failures, 1 could not be scanned\n",
  ]);
});

test("notes get a line of their own, clearing the progress line on a terminal", () => {
  const tty = sink(true);
  new FleetProgress(2, tty).note("proxytrust: https://a.test/ could not be scanned: refused");
  assert.deepEqual(tty.written, ["\r\x1b[Kproxytrust: https://a.test/ could not be scanned: refused\n"]);
  const plain = sink(false);
  new FleetProgress(2, plain).note("x");
  assert.deepEqual(plain.written, ["x\n"]);
});
