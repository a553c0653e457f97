/**
 * HSTS strength, the same in scan and audit: under six months (15768000 s) fails, under a year or
 * without includeSubDomains warns, a year with includeSubDomains passes; for every proxy and Django.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hstsStrength, parseHsts } from "../../../../src/parsers/hsts.js";
import { applyRules } from "../../../../src/static/audit.js";
import { ALL_RULES } from "../../../../src/static/rules/index.js";
import { inputOf, type Sources } from "../contract/fixtures.js";

/** [value as configured, verdict] */
const VALUES: [string, "fail" | "warn" | undefined][] = [
  ["max-age=300", "fail"],
  ["max-age=3600; includeSubDomains", "fail"],
  ["max-age=2592000; includeSubDomains; preload", "fail"],
  ["max-age=15768000; includeSubDomains", "warn"],
  ["max-age=31536000", "warn"],
  ["max-age=31536000; includeSubDomains", undefined],
  ["max-age=63072000; includeSubDomains; preload", undefined],
];

function nginx(value: string): string {
  return `events {}
http {
    server {
        server_name shop.example.org;
        listen 443 ssl http2;
        add_header Strict-Transport-Security "${value}" always;
        ssl_certificate /etc/ssl/shop.pem;
        ssl_certificate_key /etc/ssl/shop.key;
        location / {
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_pass http://unix:/run/gunicorn.sock;
        }
    }
}
`;
}

function haproxy(value: string): string {
  return `defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s

frontend fe_https
    bind :443 ssl crt /etc/haproxy/shop.pem alpn h2,http/1.1
    http-request set-header X-Forwarded-Proto https
    http-response set-header Strict-Transport-Security "${value}"
    default_backend be_django

backend be_django
    server web1 10.0.0.11:8000 check
`;
}

function caddy(value: string): string {
  return `shop.example.org {
    encode gzip
    header {
        Strict-Transport-Security "${value}"
        X-Content-Type-Options nosniff
    }
    reverse_proxy 127.0.0.1:8000
}
`;
}

function settings(value: string): string {
  const policy = parseHsts(value);
  assert.ok(policy.valid);
  return `SECURE_HSTS_SECONDS = ${policy.maxAge}\nSECURE_HSTS_INCLUDE_SUBDOMAINS = ${policy.includeSubDomains ? "True" : "False"}\n`;
}

/** The worst status the proxy's weak-HSTS rule gives, or undefined when it says nothing. */
function auditVerdict(sources: Sources): string | undefined {
  const statuses = applyRules(inputOf(sources), ALL_RULES)
    .filter((c) => c.id.endsWith("-hsts-weak"))
    .map((c) => c.status);
  return statuses.includes("fail") ? "fail" : statuses.includes("warn") ? "warn" : undefined;
}

describe("HSTS strength", () => {
  for (const [value, expected] of VALUES) {
    it(`"${value}": ${expected ?? "pass"} in the scan's judgement and in every audit`, () => {
      const policy = parseHsts(value);
      assert.ok(policy.valid);
      assert.equal(hstsStrength(policy).status, expected ?? "pass");
      assert.equal(auditVerdict({ nginx: nginx(value) }), expected, "nginx-hsts-weak");
      assert.equal(auditVerdict({ haproxy: haproxy(value) }), expected, "haproxy-hsts-weak");
      assert.equal(auditVerdict({ caddy: caddy(value) }), expected, "caddy-hsts-weak");
      const django = applyRules(inputOf({ settings: settings(value) }), ALL_RULES)
        .filter((c) => c.id === "django-hsts-short" || c.id === "django-hsts-subdomains")
        .map((c) => c.status);
      const worst = django.includes("fail") ? "fail" : django.includes("warn") ? "warn" : undefined;
      assert.equal(worst, expected, "django-hsts-short / django-hsts-subdomains");
    });
  }

  it("names the problem and the threshold", () => {
    const [finding] = applyRules(inputOf({ haproxy: haproxy("max-age=300") }), ALL_RULES).filter(
      (c) => c.id === "haproxy-hsts-weak",
    );
    assert.match(finding!.summary, /max-age=300 is below six months \(15768000 s\); no includeSubDomains/);
    assert.equal(finding!.location?.line, 10);
  });

  it("an unparseable value fails: browsers ignore it", () => {
    const [finding] = applyRules(
      inputOf({ caddy: caddy("max-age=1y; includeSubDomains") }),
      ALL_RULES,
    ).filter((c) => c.id === "caddy-hsts-weak");
    assert.equal(finding?.status, "fail");
    assert.match(finding!.summary, /browsers ignore it/);
  });
});

describe("django-hsts-missing where the proxy adds the header itself", () => {
  const settings = "SECURE_HSTS_SECONDS = 0\n";
  const ids = (sources: Sources, id: string) =>
    applyRules(inputOf(sources), ALL_RULES)
      .filter((c) => c.id === id)
      .map((c) => c.status);

  it("is not reported when nginx adds Strict-Transport-Security on every HTTPS route to the app", () => {
    assert.deepEqual(
      ids({ settings, nginx: nginx("max-age=31536000; includeSubDomains") }, "django-hsts-missing"),
      [],
    );
  });

  it("is still reported without the proxy's header, or without a proxy config to show it", () => {
    const bare = nginx("max-age=31536000; includeSubDomains").replace(
      /^.*Strict-Transport-Security.*\n/m,
      "",
    );
    assert.deepEqual(ids({ settings, nginx: bare }, "django-hsts-missing"), ["warn"]);
    assert.deepEqual(ids({ settings }, "django-hsts-missing"), ["warn"]);
  });

  it("is still reported when Django's own header, sent first, tells browsers to forget HSTS", () => {
    const truthy = 'SECURE_HSTS_SECONDS = "0"\n';
    assert.deepEqual(
      ids({ settings: truthy, nginx: nginx("max-age=31536000; includeSubDomains") }, "django-hsts-missing"),
      ["warn"],
    );
  });
});
