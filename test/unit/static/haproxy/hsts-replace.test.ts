/**
 * `http-response replace-header Strict-Transport-Security <regex> <replacement>` (and replace-value) makes
 * the whole header the replacement wherever the regex matches, dropping what the regex did not capture:
 * judged as haproxy-hsts-weak judges a value set-header writes, or a warning when the replacement is built
 * from the match or from variables.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { haproxyRules } from "../../../../src/static/rules/haproxy/index.js";
import { inputOf } from "../contract/fixtures.js";
import { HTTP_DEFAULTS } from "./config-text.js";

function weak(responseRule: string): string[] {
  const rule = haproxyRules.find((r) => r.meta.id === "haproxy-hsts-weak")!;
  const source = `defaults web
${HTTP_DEFAULTS}

frontend fe from web
  bind :443 ssl crt /etc/haproxy/site.pem
  http-request set-header X-Forwarded-Proto https
  ${responseRule}
  default_backend app

backend app from web
  server app1 127.0.0.1:8000
`;
  return rule.check(inputOf({ haproxy: source })).map((f) => `${f.status} ${f.location.line}`);
}

test("a replacement that weakens HSTS or leaves it without max-age is judged like a weak value", () => {
  assert.deepEqual(weak("http-response replace-header Strict-Transport-Security max-age=[0-9]+ max-age=0"), [
    "fail 10",
  ]);
  // The whole value is replaced: includeSubDomains is gone.
  assert.deepEqual(
    weak("http-response replace-header Strict-Transport-Security max-age=[0-9]+ max-age=63072000"),
    ["warn 10"],
  );
  assert.deepEqual(weak("http-after-response replace-value Strict-Transport-Security .* includeSubDomains"), [
    "fail 10",
  ]);
});

test("a replacement built from the match or from variables cannot be read: a warning", () => {
  assert.deepEqual(
    weak("http-response replace-header Strict-Transport-Security ^(max-age=[0-9]+).* \\1;\\ preload"),
    ["warn 10"],
  );
  assert.deepEqual(
    weak('http-response replace-value Strict-Transport-Security .* "max-age=%[var(txn.hsts_age)]"'),
    ["warn 10"],
  );
});

test("a replacement with a strong literal value, or one on another header, passes", () => {
  assert.deepEqual(
    weak(
      'http-response replace-header Strict-Transport-Security ^max-age=0$ "max-age=31536000; includeSubDomains"',
    ),
    [],
  );
  assert.deepEqual(weak("http-response replace-header Server .* app"), []);
});
