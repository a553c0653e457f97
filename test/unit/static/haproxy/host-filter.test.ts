/**
 * A rule that tests the Host is an allowlist only when it fires for the hosts it does NOT list; a
 * redirect of the apex to www (or a deny of one bad name) lets every other host through to the app.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { applyRules } from "../../../../src/static/audit.js";
import { hostFilter } from "../../../../src/static/haproxy/queries.js";
import { haproxyRules } from "../../../../src/static/rules/haproxy/index.js";
import { ALL_RULES } from "../../../../src/static/rules/index.js";
import { inputOf } from "../contract/fixtures.js";
import { HTTP_DEFAULTS } from "./config-text.js";

function config(rule: string): string {
  return `defaults
${HTTP_DEFAULTS}

frontend fe
  bind :443 ssl crt /etc/haproxy/site.pem
  acl known_host req.hdr(host) -i www.example.com
  ${rule}
  http-request set-header X-Forwarded-Proto https
  default_backend app

backend app
  server app1 127.0.0.1:8000
`;
}

function filter(rule: string) {
  const haproxy = inputOf({ haproxy: config(rule) }).haproxy!;
  const fe = haproxy.sections.find((s) => s.name === "fe")!;
  const { rejects, catchAll, hostTests } = hostFilter(haproxy, fe);
  return { rejects, catchAll, hostTests };
}

for (const rule of [
  "http-request redirect prefix https://www.example.com code 301 if { hdr(host) -i example.com }",
  "http-request deny if { req.hdr(host) -i evil.example.com }",
  "http-request deny unless !{ req.hdr(host) -i evil.example.com }",
  "http-request redirect prefix https://www.example.com code 301 if !known_host { hdr(host) -i example.com }",
]) {
  test(`not a Host allowlist: ${rule}`, () => {
    assert.deepEqual(filter(rule), { rejects: false, catchAll: true, hostTests: [] });
  });
}

for (const rule of [
  "http-request deny deny_status 421 unless { req.hdr(host) -i www.example.com }",
  "http-request deny deny_status 421 if !{ req.hdr(host) -i www.example.com }",
  "http-request deny deny_status 421 unless known_host",
  "http-request redirect prefix https://www.example.com code 301 if !known_host",
]) {
  test(`a Host allowlist: ${rule}`, () => {
    assert.deepEqual(filter(rule), {
      rejects: true,
      catchAll: false,
      hostTests: [["req.hdr(host)", "-i", "www.example.com"]],
    });
  });
}

test("an apex-to-www redirect in front of ALLOWED_HOSTS = ['*'] still sends any host to the app", () => {
  const checks = applyRules(
    inputOf({
      settings: `ALLOWED_HOSTS = ["*"]\nSECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")\n`,
      haproxy: config(
        "http-request redirect prefix https://www.example.com code 301 if { hdr(host) -i example.com }",
      ),
    }),
    ALL_RULES,
  );
  const status = (id: string) => checks.find((c) => c.id === id)?.status;
  assert.equal(status("haproxy-no-host-check"), "warn");
  assert.equal(status("contract-allowed-hosts"), "fail");
});

test("routing by Host filters nothing when the defaults' default_backend takes the other hosts", () => {
  const findings = (defaultsLine: string) => {
    const rule = haproxyRules.find((r) => r.meta.id === "haproxy-no-host-check")!;
    const input = inputOf({
      haproxy: `defaults
${HTTP_DEFAULTS}
  ${defaultsLine}

frontend fe
  bind :443 ssl crt /etc/haproxy/site.pem
  use_backend app if { req.hdr(host) -i www.example.com }

backend app
  server app1 127.0.0.1:8000
`,
    });
    return rule.check(input).map((f) => `${f.status} ${f.message}`);
  };
  assert.deepEqual(findings("default_backend app"), [
    "warn frontend fe routes by Host but sends unknown hosts to its default_backend",
  ]);
  assert.deepEqual(findings(""), []);
});
