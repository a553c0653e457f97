import assert from "node:assert/strict";
import { test } from "node:test";
import { combineReports } from "../../../src/fleet/combine.js";
import { parseReports, ReportFileError } from "../../../src/fleet/read-reports.js";
import { formatJunit } from "../../../src/report/format-junit.js";
import { formatSarif } from "../../../src/report/format-sarif.js";
import { formatText } from "../../../src/report/format-text.js";
import type { Report } from "../../../src/report/model.js";
import { auditReport, scanReport, suppressedScanReport } from "../report/fixtures.js";

const report = (target: string, status: "pass" | "fail"): Report => ({
  tool: "proxytrust",
  version: "0",
  command: "scan",
  target,
  checks: [{ id: "hsts", clause: "hsts", status, severity: "high", title: "t", summary: "s", evidence: [] }],
  requests: 3,
  durationMs: 10,
});

test("a pretty-printed JSON report, or JSON Lines of reports", () => {
  const a = report("https://a.test/", "pass");
  const b = report("https://b.test/", "fail");
  assert.deepEqual(parseReports(JSON.stringify(a, null, 2), "a.json"), [a]);
  assert.deepEqual(parseReports(`${JSON.stringify(a)}\n\n${JSON.stringify(b)}\n`, "fleet.jsonl"), [a, b]);
});

test("anything else names the file and line", () => {
  const a = JSON.stringify(report("https://a.test/", "pass"));
  const cases: [string, string][] = [
    ["", "x.jsonl: no report in it"],
    ['{"tool": "other"}', "x.jsonl: not a proxytrust JSON report"],
    [`${a}\n{"truncated": `, "x.jsonl:2: not JSON (expected a JSON report or one per line)"],
    [`${a}\n[1, 2]`, "x.jsonl:2: not a proxytrust JSON report"],
  ];
  for (const [text, message] of cases)
    assert.throws(() => parseReports(text, "x.jsonl"), new ReportFileError(message));
});

test("a report whose checks are malformed names the file and the first bad check", () => {
  const withCheck = (check: unknown, extra = {}) =>
    JSON.stringify({ tool: "proxytrust", target: "x", command: "scan", checks: [check], ...extra });
  const good = report("https://a.test/", "fail").checks[0]!;
  const cases: [string, string][] = [
    [withCheck({}), "checks[0].id: Invalid input: expected string, received undefined (and 6 more problems)"],
    [withCheck({ ...good, status: 'fail"><img>' }), "checks[0].status: Invalid option: expected one of"],
    [withCheck({ ...good, id: "spoofed-proto\u001b[2J" }), "checks[0].id: not a check id"],
    [withCheck({ ...good, clause: "no-such-clause" }), "checks[0].clause: Invalid option: expected one of"],
    [withCheck({ ...good, evidence: "none" }), "checks[0].evidence: Invalid input: expected array"],
    [withCheck({ ...good, evidence: [{ label: "x" }] }), "checks[0].evidence[0].request: Invalid input"],
    [withCheck({ ...good, location: { file: "a.conf" } }), "checks[0].location.line: Invalid input"],
    [withCheck(good, { command: "fleet" }), "command: Invalid option: expected one of"],
    [withCheck(good, { targets: [{ target: "x", command: "scan", requests: "3" }] }), "targets[0].requests"],
  ];
  for (const [text, problem] of cases) {
    assert.throws(
      () => parseReports(text, "m.json"),
      (err: unknown) =>
        err instanceof ReportFileError &&
        err.message.startsWith(`m.json: not a valid proxytrust report: ${problem}`) &&
        !err.message.includes("\n"),
      text,
    );
  }
  const lines = `${JSON.stringify(report("https://a.test/", "pass"))}\n${withCheck({ ...good, status: "bad" })}`;
  assert.throws(() => parseReports(lines, "x.jsonl"), {
    message: /^x\.jsonl:2: not a valid proxytrust report: checks\[0\]\.status/,
  });
});

test("every report the tool writes reads back", () => {
  for (const written of [scanReport(), auditReport("nginx.conf", "settings.py"), suppressedScanReport()]) {
    for (const text of [JSON.stringify(written), JSON.stringify(combineReports([written]))])
      assert.deepEqual(parseReports(text, "r.json"), [JSON.parse(text)]);
  }
});

test("merging shards' JSONL gives the same report as one run over all targets, in any grouping", () => {
  const reports = ["a", "b", "c", "d"].map((h, i) => report(`https://${h}.test/`, i === 2 ? "fail" : "pass"));
  const lines = reports.map((r) => JSON.stringify(r)).join("\n");
  const shard1 = parseReports(lines.split("\n").slice(0, 2).join("\n"), "1.jsonl");
  const shard2 = parseReports(lines.split("\n").slice(2).join("\n"), "2.jsonl");
  assert.deepEqual(combineReports([...shard1, ...shard2]), combineReports(reports));
  const mergedOnce = JSON.parse(JSON.stringify(combineReports(shard1))) as Report;
  assert.deepEqual(combineReports([mergedOnce, ...shard2]), combineReports(reports));
});

test("every output format names each check's own target in a combined report", () => {
  const combined = combineReports([
    report("https://a.test:8443/x", "fail"),
    report("https://b.test/", "fail"),
  ]);
  const sarif = JSON.parse(formatSarif(combined, { cwd: "/repo" })) as {
    runs: {
      automationDetails: { id: string };
      results: { message: { text: string }; locations: unknown[] }[];
    }[];
  };
  const [run] = sarif.runs;
  assert.deepEqual(
    run!.results.map((r) => r.message.text),
    ["https://a.test:8443/x: s", "https://b.test/: s"],
  );
  assert.match(JSON.stringify(run!.results[0]!.locations), /"uri":"a\.test_8443\/x"/);
  assert.equal(run!.automationDetails.id, "proxytrust/scan/targets/");
  const junit = formatJunit(combined, { failOn: "fail" });
  assert.match(junit, /<testcase classname="https:\/\/a\.test:8443\/x" name="hsts">/);
  assert.match(junit, /<testcase classname="https:\/\/b\.test\/" name="hsts">/);
  const text = formatText(combined, { colour: false });
  assert.match(text, /^FAIL {2}hsts {13}https:\/\/a\.test:8443\/x {2}s$/m);
  assert.match(text, /^FAIL {2}hsts {13}https:\/\/b\.test\/ {2}s$/m);
});
