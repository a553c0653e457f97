import assert from "node:assert/strict";
import { test } from "node:test";
import {
  applySuppressions,
  expiredSuppressions,
  hasExpired,
  isoToday,
} from "../../../src/config/suppress.js";
import type { SuppressionRule } from "../../../src/config/schema.js";
import { exitCodeFor, type CheckResult, type Report } from "../../../src/report/model.js";

const result = (id: string, clause: CheckResult["clause"], status: CheckResult["status"]): CheckResult => ({
  id,
  clause,
  status,
  severity: "high",
  title: "t",
  summary: "s",
  evidence: [],
});

const scan: Report = {
  tool: "proxytrust",
  version: "0",
  command: "scan",
  target: "https://app.test/",
  checks: [
    result("hsts", "hsts", "fail"),
    result("scheme", "scheme", "pass"),
    result("cookie-flags", "cookie-flags", "warn"),
  ],
};

const TODAY = "2025-06-15";

test("a matching suppression marks the result, keeps it in the report and takes it out of the exit code", () => {
  const rules: SuppressionRule[] = [{ clause: "hsts", reason: "HSTS is added by the CDN" }];
  assert.equal(exitCodeFor(scan, "fail"), 1);
  const suppressed = applySuppressions(scan, rules, TODAY);
  assert.equal(suppressed.checks.length, 3);
  assert.deepEqual(suppressed.checks[0]?.suppression, { reason: "HSTS is added by the CDN", expired: false });
  assert.equal(suppressed.checks[0]?.status, "fail", "the status itself is not changed");
  assert.equal(suppressed.checks[1]?.suppression, undefined);
  assert.equal(exitCodeFor(suppressed, "fail"), 0);
  assert.equal(
    exitCodeFor(suppressed, "warn"),
    1,
    "the unsuppressed warning still counts with --fail-on warn",
  );
  assert.equal(scan.checks[0]?.suppression, undefined, "the input report is not modified");
});

test("a suppression applies up to and including its expiry date, then stops suppressing", () => {
  const rule: SuppressionRule = { clause: "hsts", reason: "until the CDN moves", expires: "2025-06-15" };
  assert.equal(hasExpired(rule, "2025-06-15"), false);
  assert.equal(hasExpired(rule, "2025-06-16"), true);
  const onTheDay = applySuppressions(scan, [rule], "2025-06-15");
  assert.equal(exitCodeFor(onTheDay, "fail"), 0);
  const dayAfter = applySuppressions(scan, [rule], "2025-06-16");
  assert.deepEqual(dayAfter.checks[0]?.suppression, {
    reason: "until the CDN moves",
    expires: "2025-06-15",
    expired: true,
  });
  assert.equal(exitCodeFor(dayAfter, "fail"), 1);
  assert.deepEqual(expiredSuppressions([rule, { clause: "scheme", reason: "r" }], "2025-06-16"), [rule]);
  assert.deepEqual(expiredSuppressions([rule], "2025-06-15"), []);
});

test("an active suppression wins over an expired one for the same result", () => {
  const expired: SuppressionRule = { clause: "hsts", reason: "old", expires: "2020-01-01" };
  const active: SuppressionRule = { clause: "hsts", reason: "new" };
  const checks = applySuppressions(scan, [expired, active], TODAY).checks;
  assert.deepEqual(checks[0]?.suppression, { reason: "new", expired: false });
});

test("rule suppressions match the result id; clause suppressions every result of the clause", () => {
  const audit: Report = {
    ...scan,
    command: "audit",
    target: "/srv/app",
    checks: [result("nginx-hsts-missing", "hsts", "fail"), result("django-hsts", "hsts", "fail")],
  };
  const byRule = applySuppressions(audit, [{ rule: "nginx-hsts-missing", reason: "r" }], TODAY);
  assert.deepEqual(
    byRule.checks.map((c) => c.suppression !== undefined),
    [true, false],
  );
  const byClause = applySuppressions(audit, [{ clause: "hsts", reason: "r" }], TODAY);
  assert.deepEqual(
    byClause.checks.map((c) => c.suppression !== undefined),
    [true, true],
  );
});

test("a suppression with a target applies only to results about that target (URLs compared canonically)", () => {
  const rule: SuppressionRule = { clause: "hsts", reason: "r", target: "HTTPS://APP.TEST" };
  assert.ok(applySuppressions(scan, [rule], TODAY).checks[0]?.suppression);
  const other = { ...scan, target: "https://other.test/" };
  assert.equal(applySuppressions(other, [rule], TODAY).checks[0]?.suppression, undefined);
  const combined = {
    ...scan,
    target: "2 targets",
    checks: [{ ...result("hsts", "hsts", "fail"), target: "https://app.test/" }],
  };
  assert.ok(applySuppressions(combined, [rule], TODAY).checks[0]?.suppression, "a check's own target wins");
});

test("today is the UTC calendar date", () => {
  assert.equal(isoToday(new Date("2025-03-01T23:30:00-05:00")), "2025-03-02");
});
