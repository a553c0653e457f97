/**
 * HAProxy adds X-Forwarded-For when the frontend or the backend has `option forwardfor`, and honours
 * if-none only when neither has it without: the option is looked for on both sides of the route.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { haproxyRules } from "../../../../src/static/rules/haproxy/index.js";
import { inputOf } from "../contract/fixtures.js";
import { HTTP_DEFAULTS } from "./config-text.js";

function config(frontendOption: string, backendOption: string): string {
  return `defaults
${HTTP_DEFAULTS}

frontend fe
  bind :443 ssl crt /etc/haproxy/site.pem
  ${frontendOption}
  default_backend app

backend app
  ${backendOption}
  server app1 127.0.0.1:8000
`;
}

function findings(frontendOption: string, backendOption: string): string[] {
  const input = inputOf({ haproxy: config(frontendOption, backendOption) });
  const rule = haproxyRules.find((r) => r.meta.id === "haproxy-forwardfor-keeps-client")!;
  return rule.check(input).map((f) => `${f.status} ${f.location.line}: ${f.message}`);
}

test("option forwardfor if-none in the backend only keeps the client's header", () => {
  assert.deepEqual(findings("", "option forwardfor if-none"), [
    "fail 13: option forwardfor if-none keeps a client-sent X-Forwarded-For as it is (backend app, behind frontend fe)",
  ]);
});

test("option forwardfor in the backend only appends after the client's header", () => {
  assert.deepEqual(findings("", "option forwardfor"), [
    "warn 13: option forwardfor appends after the client's X-Forwarded-For; nothing deletes it first (backend app, behind frontend fe)",
  ]);
});

test("if-none on one side and not on the other: HAProxy always appends", () => {
  assert.deepEqual(findings("option forwardfor if-none", "option forwardfor"), [
    "warn 13: option forwardfor appends after the client's X-Forwarded-For; nothing deletes it first (backend app, behind frontend fe)",
  ]);
  assert.deepEqual(findings("option forwardfor", "option forwardfor if-none"), [
    "warn 9: option forwardfor appends after the client's X-Forwarded-For; nothing deletes it first (frontend fe)",
  ]);
});

test("the backend's option with the client's header deleted first passes", () => {
  assert.deepEqual(findings("http-request del-header X-Forwarded-For", "option forwardfor if-none"), []);
});
