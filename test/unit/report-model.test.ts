import assert from "node:assert/strict";
import { test } from "node:test";
import { exitCodeFor, type CheckResult, type Report } from "../../src/report/model.js";

const check = (status: CheckResult["status"]): CheckResult => ({
  id: "hsts",
  clause: "hsts",
  status,
  severity: "medium",
  title: "t",
  summary: "s",
  evidence: [],
});
const report = (...statuses: CheckResult["status"][]): Report => ({
  tool: "proxytrust",
  version: "0",
  command: "scan",
  target: "https://app.test/",
  checks: statuses.map(check),
});

test("exit 1 on a failure; on a warning only with --fail-on warn; errors and skips alone exit 0", () => {
  assert.equal(exitCodeFor(report("pass", "fail"), "fail"), 1);
  assert.equal(exitCodeFor(report("pass", "warn"), "fail"), 0);
  assert.equal(exitCodeFor(report("pass", "warn"), "warn"), 1);
  assert.equal(exitCodeFor(report("pass", "skip", "error"), "warn"), 0);
});
