/**
 * HAProxy header rules limited by ACLs are judged per kind of traffic and per peer: a client's
 * X-Forwarded-Proto that survives only for the balancer's addresses is those peers' (a warning naming
 * them), one that survives on a condition of the request itself is any client's (a failure).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyRules } from "../../../../src/static/audit.js";
import { ALL_RULES } from "../../../../src/static/rules/index.js";
import { inputOf } from "../contract/fixtures.js";
import { SETTINGS_DJANGO_REDIRECTS } from "./fixtures.js";

/** A second tier behind a cloud balancer in 10.20.0.0/16, with `rules` deciding X-Forwarded-Proto. */
function haproxy(rules: string): string {
  return `global
    log /dev/log local0
    maxconn 4096

defaults
    mode http
    log global
    option httplog
    option forwardfor
    timeout connect 5s
    timeout client 30s
    timeout server 60s

frontend www
    bind :80
    bind :443 ssl crt /etc/haproxy/certs/app.example.com.pem
    acl from_balancer src 10.20.0.0/16
    http-request deny deny_status 400 unless { req.hdr(host),field(1,:) -i app.example.com }
    http-request del-header X_Forwarded_Proto
${rules}
    http-response set-header Strict-Transport-Security "max-age=31536000; includeSubDomains" if { ssl_fc }
    default_backend django

backend django
    server app1 127.0.0.1:8000 check
`;
}

function audit(rules: string) {
  return applyRules(inputOf({ settings: SETTINGS_DJANGO_REDIRECTS, haproxy: haproxy(rules) }), ALL_RULES);
}

const spoofs = (checks: ReturnType<typeof audit>) =>
  checks.filter((c) => c.clause === "spoofed-proto").map((c) => `${c.status} ${c.id}: ${c.summary}`);

const failures = (checks: ReturnType<typeof audit>) =>
  checks.filter((c) => c.status === "fail").map((c) => `${c.id}: ${c.summary}`);

describe("HAProxy ACL branches", () => {
  it("del-header unless the peer is the balancer, then https on TLS: the copy is the balancer's only (warnings naming the range), nothing fails", () => {
    const checks = audit(`    http-request del-header X-Forwarded-Proto unless from_balancer
    http-request set-header X-Forwarded-Proto https if { ssl_fc }`);
    assert.deepEqual(failures(checks), []);
    const found = spoofs(checks);
    assert.ok(found.length > 0);
    for (const line of found) {
      assert.match(line, /^warn /);
      assert.match(line, /the peer is in 10\.20\.0\.0\/16/);
    }
    assert.ok(found.some((line) => /contract-scheme-header-from-client: .* on plain HTTP/.test(line)));
  });

  it("the same with an anonymous ACL, `if !{ src ... }`, reads the same", () => {
    const checks = audit(`    http-request del-header X-Forwarded-Proto if !{ src 10.20.0.0/16 }
    http-request set-header X-Forwarded-Proto https if { ssl_fc }`);
    assert.deepEqual(failures(checks), []);
    assert.ok(spoofs(checks).every((line) => /^warn .*the peer is in 10\.20\.0\.0\/16/.test(line)));
  });

  it("keeping the header whenever the request carries one lets any client claim https: fail, naming the condition", () => {
    const checks =
      audit(`    http-request set-header X-Forwarded-Proto http unless { req.hdr(x-forwarded-proto) -m found }
    http-request set-header X-Forwarded-Proto https if { ssl_fc }`);
    const failing = failures(checks);
    assert.ok(
      failing.some((f) =>
        /^contract-scheme-header-from-client: .*left in place by the rule at line \d+ when \{ req\.hdr\(x-forwarded-proto\) -m found \} on plain HTTP/.test(
          f,
        ),
      ),
      failing.join("\n"),
    );
    assert.ok(failing.some((f) => f.startsWith("haproxy-client-x-forwarded-proto")));
  });

  it("overwritten for every peer on both kinds of traffic passes", () => {
    const checks = audit(`    http-request set-header X-Forwarded-Proto https if { ssl_fc }
    http-request set-header X-Forwarded-Proto http if !{ ssl_fc }`);
    assert.deepEqual(failures(checks), []);
    assert.deepEqual(spoofs(checks), []);
  });

  it("a balancer range of 0.0.0.0/0 is everyone: fail", () => {
    const checks = audit(`    http-request del-header X-Forwarded-Proto unless { src 0.0.0.0/0 }
    http-request set-header X-Forwarded-Proto https if { ssl_fc }`);
    assert.ok(failures(checks).some((f) => f.startsWith("contract-scheme-header-from-client")));
  });
});
