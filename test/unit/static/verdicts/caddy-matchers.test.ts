/**
 * Caddy routes behind named matchers: a reverse_proxy that copies the client's X-Forwarded-Proto only
 * for the balancer's addresses (`remote_ip`) is those peers' to choose (a warning naming them); behind a
 * matcher on the request itself, any client's (a failure).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyRules } from "../../../../src/static/audit.js";
import { ALL_RULES } from "../../../../src/static/rules/index.js";
import { inputOf } from "../contract/fixtures.js";
import { SETTINGS_DJANGO_REDIRECTS } from "./fixtures.js";

/** Caddy on port 80 behind a TLS-terminating balancer: the balancer's requests go to the app, others are redirected. */
function behindBalancer(matcher: string): string {
  return `{
\tauto_https off
}

:80 {
\t@balancer ${matcher}
\thandle @balancer {
\t\treverse_proxy 127.0.0.1:8000 {
\t\t\theader_up X-Forwarded-Proto {http.request.header.X-Forwarded-Proto}
\t\t}
\t}
\thandle {
\t\tredir https://{host}{uri} permanent
\t}
}
`;
}

function audit(caddy: string) {
  return applyRules(inputOf({ settings: SETTINGS_DJANGO_REDIRECTS, caddy }), ALL_RULES).filter(
    (c) => c.clause === "spoofed-proto",
  );
}

describe("Caddy matchers", () => {
  it("the balancer's range (remote_ip) only: warnings naming the range", () => {
    const found = audit(behindBalancer("remote_ip 10.20.0.0/16"));
    assert.ok(found.length > 0);
    for (const c of found) {
      assert.equal(c.status, "warn", c.summary);
      assert.match(c.summary, /peers? (is )?in 10\.20\.0\.0\/16.* \(@balancer\)/);
    }
  });

  it("a matcher on a request header the client can send: fail", () => {
    const found = audit(behindBalancer("header X-From-Balancer yes"));
    assert.ok(found.some((c) => c.status === "fail" && c.id === "contract-scheme-header-from-client"));
  });

  it("a range that is everyone: fail", () => {
    const found = audit(behindBalancer("remote_ip 0.0.0.0/0"));
    assert.ok(found.some((c) => c.status === "fail" && c.id === "contract-scheme-header-from-client"));
  });
});
