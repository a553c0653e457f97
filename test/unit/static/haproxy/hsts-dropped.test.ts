/**
 * `http-response del-header Strict-Transport-Security` strips the HSTS header Django sends: reported
 * as nginx-hsts-dropped reports an add_header that stops the inherited one, unless a later rule sets it again.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { applyRules } from "../../../../src/static/audit.js";
import { haproxyRules } from "../../../../src/static/rules/haproxy/index.js";
import { ALL_RULES } from "../../../../src/static/rules/index.js";
import { inputOf } from "../contract/fixtures.js";
import { HTTP_DEFAULTS } from "./config-text.js";

function config(
  frontendRules: string,
  backendRules = "",
  bind = "bind :443 ssl crt /etc/haproxy/site.pem",
): string {
  return `defaults
${HTTP_DEFAULTS}

frontend fe
  ${bind}
  http-request set-header X-Forwarded-Proto https
  ${frontendRules}
  default_backend app

backend app
  ${backendRules}
  server app1 127.0.0.1:8000
`;
}

function dropped(frontendRules: string, backendRules = "", bind?: string): string[] {
  const rule = haproxyRules.find((r) => r.meta.id === "haproxy-hsts-dropped")!;
  return rule
    .check(inputOf({ haproxy: config(frontendRules, backendRules, bind) }))
    .map((f) => `${f.status} ${f.location.line}`);
}

test("del-header Strict-Transport-Security in the frontend or the backend drops Django's HSTS", () => {
  assert.deepEqual(dropped("http-response del-header Strict-Transport-Security"), ["fail 10"]);
  assert.deepEqual(dropped("", "http-after-response del-header strict-transport-security"), ["fail 14"]);
  assert.deepEqual(dropped("http-response del-header Strict-Transport-Security if { path_beg /static }"), [
    "fail 10",
  ]);
});

test("a header set again after the delete, a delete limited to plain HTTP, or a plain-HTTP frontend pass", () => {
  // The backend's http-response rules run before the frontend's.
  assert.deepEqual(
    dropped(
      'http-response set-header Strict-Transport-Security "max-age=31536000"',
      "http-response del-header Strict-Transport-Security",
    ),
    [],
  );
  assert.deepEqual(dropped("http-response del-header Strict-Transport-Security unless { ssl_fc }"), []);
  assert.deepEqual(dropped("http-response del-header Strict-Transport-Security", "", "bind :80"), []);
  assert.deepEqual(dropped("http-response del-header X-Powered-By"), []);
});

test("the audit reports the drop even when Django sends HSTS", () => {
  const checks = applyRules(
    inputOf({
      settings: `ALLOWED_HOSTS = ["app.example.com"]\nSECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")\nSECURE_HSTS_SECONDS = 31536000\n`,
      haproxy: config("http-response del-header Strict-Transport-Security"),
    }),
    ALL_RULES,
  );
  assert.equal(checks.find((c) => c.id === "haproxy-hsts-dropped")?.status, "fail");
});

/** The delete in a named defaults section (HAProxy 2.5+), whose rules run before those of the proxy using it. */
function droppedInDefaults(frontendRules: string, frontendLine = "frontend fe from web"): string[] {
  const rule = haproxyRules.find((r) => r.meta.id === "haproxy-hsts-dropped")!;
  const source = `defaults web
${HTTP_DEFAULTS}
  http-response del-header Strict-Transport-Security

defaults plain
${HTTP_DEFAULTS}

${frontendLine}
  bind :443 ssl crt /etc/haproxy/site.pem
  ${frontendRules}
  default_backend app

backend app from plain
  server app1 127.0.0.1:8000
`;
  return rule.check(inputOf({ haproxy: source })).map((f) => `${f.status} ${f.location.line}`);
}

test("del-header Strict-Transport-Security in the named defaults a frontend uses drops Django's HSTS", () => {
  assert.deepEqual(droppedInDefaults(""), ["fail 6"]);
  // The proxy's own rules run after its defaults': a set-header there sends HSTS again.
  assert.deepEqual(
    droppedInDefaults('http-response set-header Strict-Transport-Security "max-age=31536000"'),
    [],
  );
  assert.deepEqual(droppedInDefaults("", "frontend fe from plain"), []);
});
