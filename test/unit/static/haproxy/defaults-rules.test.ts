/**
 * HAProxy 2.5+ runs the http-request/http-response rules of a named defaults section before the rules of
 * each proxy that uses it (`frontend fe from web`, or the last defaults section above it); an anonymous
 * defaults section cannot hold rules.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { applyRules } from "../../../../src/static/audit.js";
import { haproxyRules } from "../../../../src/static/rules/haproxy/index.js";
import { ALL_RULES } from "../../../../src/static/rules/index.js";
import { inputOf } from "../contract/fixtures.js";
import { HTTP_DEFAULTS } from "./config-text.js";

const RULES = `  http-request set-header X-Forwarded-Proto https if { ssl_fc }
  http-request set-header X-Forwarded-Proto http unless { ssl_fc }
  http-request set-header X-Real-IP %[src]
  http-response set-header Strict-Transport-Security "max-age=63072000; includeSubDomains"`;

function config(rulesDefaults: string, frontendLine: string): string {
  return `${rulesDefaults}
${HTTP_DEFAULTS}
${RULES}

defaults plain
${HTTP_DEFAULTS}

${frontendLine}
  bind :443 ssl crt /etc/haproxy/site.pem
  http-request deny deny_status 421 unless { req.hdr(host) -i example.com }
  default_backend app

backend app from plain
  server app1 127.0.0.1:8000
`;
}

function findings(source: string): string[] {
  const input = inputOf({ haproxy: source });
  return haproxyRules.flatMap((r) => r.check(input).map((f) => `${f.status} ${r.meta.id}`));
}

test("rules of the named defaults section a frontend uses with `from` apply to its requests and responses", () => {
  assert.deepEqual(findings(config("defaults web", "frontend fe from web")), []);
});

test("rules of a named defaults section a frontend inherits by position apply too", () => {
  const source = `defaults web
${HTTP_DEFAULTS}
${RULES}

frontend fe
  bind :443 ssl crt /etc/haproxy/site.pem
  http-request deny deny_status 421 unless { req.hdr(host) -i example.com }
  default_backend app

defaults plain
${HTTP_DEFAULTS}

backend app
  server app1 127.0.0.1:8000
`;
  assert.deepEqual(findings(source), []);
});

test("rules of a defaults section the frontend does not use do not apply", () => {
  assert.deepEqual(findings(config("defaults web", "frontend fe from plain")), [
    "fail haproxy-client-x-forwarded-proto",
    "warn haproxy-client-x-real-ip",
    "fail haproxy-x-forwarded-proto-not-set",
    "warn haproxy-hsts-missing",
  ]);
});

/** A Host allowlist and the HTTPS redirect, written once for every frontend that uses the defaults. */
const GUARDS = `  acl known_host req.hdr(host) -i app.example.com
  http-request redirect scheme https code 301 unless { ssl_fc } || { path /healthz }
  http-request deny deny_status 421 unless known_host`;

const GUARDED = new Set([
  "haproxy-no-host-check",
  "haproxy-no-https-redirect",
  "contract-allowed-hosts",
  "contract-plain-http-unredirected",
]);

function guardFindings(frontendLine: string): string[] {
  const checks = applyRules(
    inputOf({
      settings: `ALLOWED_HOSTS = ["*"]\nSECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")\n`,
      haproxy: `defaults web
${HTTP_DEFAULTS}
${GUARDS}

defaults plain
${HTTP_DEFAULTS}

${frontendLine}
  bind :80
  bind :443 ssl crt /etc/haproxy/site.pem
  http-request set-header X-Forwarded-Proto https if { ssl_fc }
  http-request set-header X-Forwarded-Proto http unless { ssl_fc }
  default_backend app

backend app from plain
  server app1 127.0.0.1:8000
`,
    }),
    ALL_RULES,
  );
  return checks.filter((c) => GUARDED.has(c.id)).map((c) => `${c.status} ${c.id}`);
}

test("a Host allowlist and an HTTPS redirect in the named defaults a frontend uses guard it", () => {
  assert.deepEqual(guardFindings("frontend fe from web"), []);
});

test("the guards of a named defaults the frontend does not use do not", () => {
  assert.deepEqual(guardFindings("frontend fe from plain"), [
    "fail haproxy-no-https-redirect",
    "warn haproxy-no-host-check",
    "fail contract-plain-http-unredirected",
    "fail contract-allowed-hosts",
  ]);
});
