import assert from "node:assert/strict";
import { test } from "node:test";
import { combineReports } from "../../../src/fleet/combine.js";
import { parseReports, ReportFileError } from "../../../src/fleet/read-reports.js";
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
