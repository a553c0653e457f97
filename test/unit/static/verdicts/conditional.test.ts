/**
 * A header set from an nginx `map` or `geo` is judged branch by branch: the client's copy only where a
 * branch copies it, nginx's own $scheme elsewhere; the verdicts name the branches.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyRules } from "../../../../src/static/audit.js";
import { ALL_RULES } from "../../../../src/static/rules/index.js";
import { inputOf } from "../contract/fixtures.js";
import { SETTINGS_DJANGO_REDIRECTS } from "./fixtures.js";

/** nginx behind nothing, or behind a load balancer, with X-Forwarded-Proto from `$proxy_proto`. */
function nginx(switches: string, plainServerProxies: boolean): string {
  const plain = plainServerProxies
    ? "location / { proxy_set_header Host $host; proxy_set_header X-Forwarded-Proto $proxy_proto; proxy_pass http://app_server; }"
    : "return 301 https://$host$request_uri;";
  return `events {}
http {
${switches}
    upstream app_server { server 127.0.0.1:8000; }
    server {
        listen 80 default_server;
        listen 443 ssl default_server;
        ssl_certificate /etc/ssl/app.pem;
        ssl_certificate_key /etc/ssl/app.key;
        ssl_reject_handshake on;
        return 444;
    }
    server {
        listen 80;
        server_name app.example.com;
        ${plain}
    }
    server {
        listen 443 ssl;
        server_name app.example.com;
        ssl_certificate /etc/ssl/app.pem;
        ssl_certificate_key /etc/ssl/app.key;
        add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;
        location / {
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-Proto $proxy_proto;
            proxy_pass http://app_server;
        }
    }
}
`;
}

/** The common "keep the balancer's header, else our own scheme" map. */
const KEEP_OR_SCHEME = `    map $http_x_forwarded_proto $proxy_proto {
        default $http_x_forwarded_proto;
        ''      $scheme;
    }`;

/** A second tier: the balancer's header only from the balancer's range, $scheme for everyone else. */
const FROM_BALANCER_ONLY = `    geo $realip_remote_addr $from_balancer {
        default 0;
        10.20.0.0/16 1;
    }
    map $from_balancer $proxy_proto {
        1       $http_x_forwarded_proto;
        default $scheme;
    }`;

function audit(switches: string, plainServerProxies: boolean) {
  return applyRules(
    inputOf({ settings: SETTINGS_DJANGO_REDIRECTS, nginx: nginx(switches, plainServerProxies) }),
    ALL_RULES,
  );
}

const failures = (checks: ReturnType<typeof audit>) =>
  checks.filter((c) => c.status === "fail").map((c) => `${c.id}: ${c.summary}`);

describe("nginx map/geo branches", () => {
  it("a map that falls back to $scheme when the client sends no X-Forwarded-Proto conveys https: no loop, no lost scheme, no missing HSTS", () => {
    const checks = audit(KEEP_OR_SCHEME, false);
    assert.deepEqual(failures(checks), []);
    const copy = checks.find((c) => c.id === "contract-scheme-header-from-client");
    assert.equal(copy?.status, "warn");
    assert.match(
      copy!.summary,
      /copied from \$http_x_forwarded_proto when \$http_x_forwarded_proto is not empty \(map at \S+:3\), else \$scheme on HTTPS/,
    );
  });

  it("the same map on a server that proxies plain HTTP lets a client claim https: fail", () => {
    const checks = audit(KEEP_OR_SCHEME, true);
    const spoofs = checks.filter((c) => c.clause === "spoofed-proto" && c.status === "fail");
    assert.ok(
      spoofs.some((c) => c.id === "contract-scheme-header-from-client" && /on plain HTTP/.test(c.summary)),
    );
    assert.ok(spoofs.some((c) => c.id === "nginx-xfp-from-client"));
  });

  it("a geo that honours the header only from the balancer's range is not spoofable by strangers: warnings that name the range", () => {
    for (const plain of [false, true]) {
      const checks = audit(FROM_BALANCER_ONLY, plain);
      assert.deepEqual(failures(checks), [], `plain HTTP proxied: ${plain}`);
      const copies = checks.filter((c) => c.clause === "spoofed-proto");
      assert.ok(copies.length > 0);
      for (const c of copies) {
        assert.equal(c.status, "warn", c.summary);
        assert.match(c.summary, /\$realip_remote_addr is in 10\.20\.0\.0\/16/);
      }
    }
  });

  it("a map whose every branch copies the client is still the client's", () => {
    const checks = audit(
      `    map $http_x_forwarded_proto $proxy_proto { default $http_x_forwarded_proto; }`,
      true,
    );
    assert.ok(failures(checks).some((f) => f.startsWith("contract-scheme-header-from-client")));
  });
});
