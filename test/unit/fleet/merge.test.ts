import assert from "node:assert/strict";
import { test } from "node:test";
import { combineReports } from "../../../src/fleet/combine.js";
import { parseReports, ReportFileError } from "../../../src/fleet/read-reports.js";
import { formatJunit } from "../../../src/report/format-junit.js";
import { formatSarif } from "../../../src/report/format-sarif.js";
import { formatText } from "../../../src/report/format-text.js";
import type { Report } from "../../../src/report/model.js";

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
