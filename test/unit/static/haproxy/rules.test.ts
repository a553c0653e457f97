import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadHaproxyConfig } from "../../../../src/static/haproxy/model.js";
import { haproxyRules } from "../../../../src/static/rules/haproxy/index.js";
import type { RuleFinding } from "../../../../src/static/rule.js";

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");

function run(id: string, fixture: string): RuleFinding[] {
  const rule = haproxyRules.find((r) => r.meta.id === id);
  assert.ok(rule, `rule ${id} is registered`);
  const haproxy = loadHaproxyConfig(path.join(fixtures, fixture));
  assert.deepEqual(haproxy.errors, []);
  return rule.check({ haproxy });
}

/** [rule, fixture, [status, line] of each expected finding]. */
const failing: [string, string, ["fail" | "warn", number][]][] = [
  ["haproxy-client-x-forwarded-proto", "add-header.cfg", [["fail", 12]]],
  ["haproxy-client-x-forwarded-proto", "conditional-set.cfg", [["fail", 12]]],
  ["haproxy-client-x-forwarded-proto", "no-xfp.cfg", [["fail", 10]]],
  [
    "haproxy-client-x-forwarded-proto",
    "copied-from-client.cfg",
    [
      ["fail", 14],
      ["fail", 28],
    ],
  ],
  ["haproxy-no-host-check", "copied-from-client.cfg", [["warn", 23]]],
  ["haproxy-client-x-forwarded-host", "copied-from-client.cfg", [["fail", 15]]],
  ["haproxy-client-x-forwarded-host", "add-header.cfg", [["fail", 13]]],
  ["haproxy-client-x-real-ip", "add-header.cfg", [["fail", 14]]],
  ["haproxy-client-x-real-ip", "no-xfp.cfg", [["warn", 10]]],
  ["haproxy-forwardfor-keeps-client", "add-header.cfg", [["fail", 15]]],
  ["haproxy-forwardfor-keeps-client", "conditional-set.cfg", [["warn", 3]]],
  ["haproxy-x-forwarded-proto-not-set", "no-xfp.cfg", [["fail", 10]]],
  ["haproxy-no-https-redirect", "conditional-set.cfg", [["warn", 8]]],
  [
    "haproxy-no-https-redirect",
    "accept-proxy.cfg",
    [
      ["warn", 7],
      ["warn", 13],
    ],
  ],
  ["haproxy-no-host-check", "no-xfp.cfg", [["warn", 10]]],
  [
    "haproxy-accept-proxy-open",
    "accept-proxy.cfg",
    [
      ["fail", 8],
      ["warn", 14],
    ],
  ],
  ["haproxy-host-set-to-backend", "no-xfp.cfg", [["fail", 15]]],
  ["haproxy-hsts-missing", "no-xfp.cfg", [["warn", 10]]],
];

const passing: [string, string][] = [
  ["haproxy-client-x-forwarded-proto", "good.cfg"],
  ["haproxy-client-x-forwarded-proto", "accept-proxy-restricted.cfg"],
  ["haproxy-client-x-forwarded-proto", "listen-named-defaults.cfg"],
  ["haproxy-client-x-forwarded-host", "good.cfg"],
  ["haproxy-client-x-forwarded-host", "no-xfp.cfg"],
  ["haproxy-client-x-real-ip", "good.cfg"],
  ["haproxy-forwardfor-keeps-client", "good.cfg"],
  ["haproxy-forwardfor-keeps-client", "listen-named-defaults.cfg"],
  ["haproxy-x-forwarded-proto-not-set", "good.cfg"],
  ["haproxy-x-forwarded-proto-not-set", "add-header.cfg"],
  ["haproxy-no-https-redirect", "good.cfg"],
  ["haproxy-no-https-redirect", "listen-named-defaults.cfg"],
  ["haproxy-no-host-check", "good.cfg"],
  ["haproxy-no-host-check", "add-header.cfg"],
  ["haproxy-no-host-check", "conditional-set.cfg"],
  ["haproxy-accept-proxy-open", "accept-proxy-restricted.cfg"],
  ["haproxy-accept-proxy-open", "accept-proxy-chained.cfg"],
  ["haproxy-host-set-to-backend", "accept-proxy.cfg"],
  ["haproxy-hsts-missing", "good.cfg"],
  ["haproxy-hsts-missing", "conditional-set.cfg"],
];

for (const [id, fixture, expected] of failing) {
  test(`${id} flags ${fixture}`, () => {
    const findings = run(id, fixture);
    assert.deepEqual(
      findings.map((f) => [f.status, f.location.line]),
      expected,
      JSON.stringify(findings),
    );
    for (const f of findings) assert.equal(f.location.file, path.join(fixtures, fixture));
  });
}

for (const [id, fixture] of passing) {
  test(`${id} passes ${fixture}`, () => {
    assert.deepEqual(run(id, fixture), []);
  });
}

test("the good fixture passes every rule, and no rule runs without a config", () => {
  const haproxy = loadHaproxyConfig(path.join(fixtures, "good.cfg"));
  assert.deepEqual(
    haproxyRules.flatMap((r) => r.check({ haproxy })),
    [],
  );
  for (const r of haproxyRules) assert.deepEqual(r.check({}), []);
});

test("rule ids are unique and every rule has a haproxy fix", () => {
  const ids = haproxyRules.map((r) => r.meta.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const r of haproxyRules) assert.ok(r.meta.fix.haproxy, r.meta.id);
});

test("TCP-mode frontends are not judged by HTTP rules", () => {
  const haproxy = loadHaproxyConfig(path.join(fixtures, "listen-named-defaults.cfg"));
  const findings = haproxyRules.flatMap((r) => r.check({ haproxy }));
  assert.ok(
    findings.every((f) => f.location.line < 21),
    JSON.stringify(findings),
  );
});
