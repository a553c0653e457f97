/**
 * An HTTPS redirect counts for plain traffic only when its condition is the plain-traffic test, maybe
 * with paths exempted (a health check); a redirect that also tests the Host leaves other hosts on plain HTTP.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { haproxyRules } from "../../../../src/static/rules/haproxy/index.js";
import { inputOf } from "../contract/fixtures.js";
import { HTTP_DEFAULTS } from "./config-text.js";

function config(redirect: string): string {
  return `defaults
${HTTP_DEFAULTS}

frontend fe
  bind :80
  bind :443 ssl crt /etc/haproxy/site.pem
  acl health path /healthz
  ${redirect}
  http-request set-header X-Forwarded-Proto https if { ssl_fc }
  http-request set-header X-Forwarded-Proto http unless { ssl_fc }
  default_backend app

backend app
  server app1 127.0.0.1:8000
`;
}

function redirectFindings(redirect: string): string[] {
  const input = inputOf({ haproxy: config(redirect) });
  const rule = haproxyRules.find((r) => r.meta.id === "haproxy-no-https-redirect")!;
  return rule.check(input).map((f) => `${f.status} ${f.location.line}`);
}

for (const redirect of [
  "http-request redirect scheme https code 301 unless { ssl_fc }",
  "http-request redirect scheme https code 301 if !{ ssl_fc }",
  "http-request redirect scheme https code 301 unless { ssl_fc } || { path /healthz }",
  "http-request redirect scheme https code 301 unless { ssl_fc } || health",
  "http-request redirect scheme https code 301 if !{ ssl_fc } !{ path_beg /healthz }",
  "redirect prefix https://app.example.com code 301 if !{ ssl_fc } || { hdr(host) -i old.example.com }",
]) {
  test(`redirects all plain traffic: ${redirect}`, () => {
    assert.deepEqual(redirectFindings(redirect), []);
  });
}

for (const redirect of [
  "http-request redirect scheme https code 301 if !{ ssl_fc } { hdr(host) -i example.com }",
  "http-request redirect scheme https code 301 unless { ssl_fc } || !{ hdr(host) -i example.com }",
  "http-request redirect scheme https code 301 if !{ ssl_fc } { path_beg /admin }",
  "http-request redirect scheme https code 301 if { ssl_fc }",
]) {
  test(`leaves some plain traffic unredirected: ${redirect}`, () => {
    assert.deepEqual(redirectFindings(redirect), ["warn 7"]);
  });
}

test("X-Forwarded-Proto is judged on plain requests a Host-limited redirect lets through", () => {
  const input = inputOf({
    haproxy: config(
      "http-request redirect scheme https code 301 if !{ ssl_fc } { hdr(host) -i example.com }",
    ).replace("  http-request set-header X-Forwarded-Proto http unless { ssl_fc }\n", ""),
  });
  const rule = haproxyRules.find((r) => r.meta.id === "haproxy-client-x-forwarded-proto")!;
  assert.deepEqual(
    rule.check(input).map((f) => `${f.status} ${f.location.line}`),
    ["fail 12"],
  );
});
