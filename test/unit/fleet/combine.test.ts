import assert from "node:assert/strict";
import { test } from "node:test";
import { combineReports, decidedAny, distinctReports, nothingScanned } from "../../../src/fleet/combine.js";
import { forSummary } from "../../../src/fleet/scan-fleet.js";
import { exitCodeFor, type CheckResult, type Report } from "../../../src/report/model.js";

const exchange = { label: "https baseline", request: { method: "GET", url: "https://a.test/", headers: [] } };
const check = (clause: CheckResult["clause"], status: CheckResult["status"]): CheckResult => ({
  id: clause,
  clause,
  status,
  severity: "high",
  title: "t",
  summary: `${clause} ${status}`,
  evidence: [exchange],
});
const scan = (target: string, ...checks: CheckResult[]): Report => ({
  tool: "proxytrust",
  version: "0",
  command: "scan",
  target,
  proxy: "nginx",
  checks,
  requests: 10,
  durationMs: 100,
});

test("combined: every check names its target, targets are listed, requests summed, order kept", () => {
  const a = scan("https://a.test/", check("hsts", "pass"), check("scheme", "fail"));
  const b = { ...scan("https://b.test/", check("hsts", "error")), couldNotRun: "b.test did not answer" };
  const combined = combineReports([a, b], 150);
  assert.equal(combined.target, "2 targets (1 could not be scanned)");
  assert.deepEqual(
    combined.checks.map((c) => [c.target, c.id, c.status]),
    [
      ["https://a.test/", "hsts", "pass"],
      ["https://a.test/", "scheme", "fail"],
      ["https://b.test/", "hsts", "error"],
    ],
  );
  assert.deepEqual(combined.targets, [
    { target: "https://a.test/", command: "scan", proxy: "nginx", requests: 10, durationMs: 100 },
    {
      target: "https://b.test/",
      command: "scan",
      proxy: "nginx",
      requests: 10,
      durationMs: 100,
      couldNotRun: "b.test did not answer",
    },
  ]);
  assert.equal(combined.requests, 20);
  assert.equal(combined.durationMs, 150);
  assert.equal(exitCodeFor(combined, "fail"), 1);
  assert.equal(nothingScanned(combined), false);
  assert.equal(nothingScanned(combineReports([b])), true);
  assert.equal(nothingScanned(combineReports([])), false);
});

test("combining combined reports flattens them: merge of merges equals one merge", () => {
  const reports = ["a", "b", "c"].map((h) => scan(`https://${h}.test/`, check("hsts", "warn")));
  const once = combineReports(reports);
  const twice = combineReports([combineReports(reports.slice(0, 2)), reports[2] as Report]);
  assert.deepEqual(twice, once);
  assert.equal(once.durationMs, 300, "without a wall time, durations are summed");
});

test("the fleet summary drops evidence of passing and skipped checks unless asked to keep it", () => {
  const report = scan(
    "https://a.test/",
    check("hsts", "pass"),
    check("scheme", "skip"),
    check("cookie-flags", "fail"),
  );
  assert.deepEqual(
    forSummary(report, false).checks.map((c) => c.evidence.length),
    [0, 0, 1],
  );
  assert.deepEqual(
    forSummary(report, true).checks.map((c) => c.evidence.length),
    [1, 1, 1],
  );
});

test("the fleet summary keeps no target's identification or smoke test: combining never reads them", () => {
  const report: Report = {
    ...scan("https://a.test/", check("hsts", "pass")),
    identified: { proxy: { kind: "nginx", from: 'Server: nginx, in "https baseline"' } },
    smokeTest: {
      siteHost: "a.test",
      httpsUrl: "https://a.test/",
      httpUrl: "http://a.test/",
      httpChainStart: "http://a.test/?proxytrust-smoke",
      curlOptions: [],
      foreignHost: "foreign.invalid",
      healthPaths: [],
      clauses: ["hsts"],
    },
  };
  for (const keepAllEvidence of [false, true]) {
    const kept = forSummary(report, keepAllEvidence);
    assert.equal(kept.identified, undefined);
    assert.equal(kept.smokeTest, undefined);
  }
  assert.deepEqual(combineReports([forSummary(report, true)]), combineReports([report]));
});

test("a merge decided something when a target has a verdict, or is an audit that ran and found nothing", () => {
  const audit = (target: string, ...checks: CheckResult[]): Report => ({
    ...scan(target, ...checks),
    command: "audit",
  });
  const unreadable = check("hygiene", "error");
  assert.equal(decidedAny(combineReports([audit("clean.conf")])), true);
  assert.equal(decidedAny(combineReports([audit("broken.conf", unreadable)])), false);
  assert.equal(decidedAny(combineReports([audit("broken.conf", unreadable), audit("clean.conf")])), true);
  assert.equal(decidedAny(combineReports([scan("https://a.test/", check("scheme", "skip"))])), false);
  assert.equal(decidedAny(combineReports([scan("https://a.test/", check("scheme", "pass"))])), true);
});

test("merging a report with itself lists each result once; reports that differ are all kept", () => {
  const a = scan("https://a.test/", check("hsts", "fail"));
  const rerun = { ...scan("https://a.test/", check("hsts", "fail")), durationMs: 120 };
  const fleet = combineReports([a, scan("https://b.test/", check("scheme", "warn"))]);
  const { reports, repeated } = distinctReports([
    a,
    structuredClone(a),
    rerun,
    fleet,
    structuredClone(fleet),
  ]);
  assert.deepEqual(reports, [a, rerun, fleet]);
  assert.equal(repeated, 2);
  assert.equal(combineReports(reports).checks.length, 4);
});

test("a merge of audits has no request count or duration to show", () => {
  const {
    requests: _requests,
    durationMs: _durationMs,
    ...audit
  } = {
    ...scan("nginx.conf", check("hsts", "fail")),
    command: "audit" as const,
  };
  const merged = combineReports([audit, { ...audit, target: "other.conf" }]);
  assert.equal(merged.requests, undefined);
  assert.equal(merged.durationMs, undefined);
});
