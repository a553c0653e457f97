/**
 * nginx `if` and `set` are judged branch by branch: `if ($scheme = http) { return 301 ... }` keeps plain
 * HTTP from the app, a `set` the connection decides is nginx's own value, and a `set` inside an `if` on the
 * client's header (or the peer's address) is the client's (or that peer's) only on that branch.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyRules } from "../../../../src/static/audit.js";
import { ALL_RULES } from "../../../../src/static/rules/index.js";
import { inputOf } from "../contract/fixtures.js";
import { NGINX_UPSTREAM_AND_CATCH_ALL, SETTINGS_DJANGO_REDIRECTS } from "./fixtures.js";

/** A Let's Encrypt site on one server for 80 and 443, its scheme handling given by `rewrites` and `proto`. */
function site(listens: string, rewrites: string, proto: string | undefined): string {
  return `events {}
http {${NGINX_UPSTREAM_AND_CATCH_ALL}
    server {
${listens}
        server_name app.example.com;
        ssl_certificate /etc/letsencrypt/live/app.example.com/fullchain.pem;
        ssl_certificate_key /etc/letsencrypt/live/app.example.com/privkey.pem;
        add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;
${rewrites}
        location / {
            proxy_set_header Host $host;
${proto === undefined ? "" : `            proxy_set_header X-Forwarded-Proto ${proto};\n`}            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_pass http://app_server;
        }
    }
}
`;
}

const BOTH_PORTS = "        listen 80;\n        listen 443 ssl http2;";
const TLS_ONLY = "        listen 443 ssl http2;";

const SCHEME_REDIRECT = `        if ($scheme = http) {
            return 301 https://$host$request_uri;
        }`;

/** Keep a load balancer's scheme when one sent it, else our own (the `set` twin of a map). */
const KEEP_OR_SCHEME = `        set $forwarded_proto $scheme;
        if ($http_x_forwarded_proto) {
            set $forwarded_proto $http_x_forwarded_proto;
        }`;

/** The balancer's header only from the balancer itself. */
const FROM_BALANCER_ONLY = `        set $forwarded_proto $scheme;
        if ($realip_remote_addr = 10.0.0.5) {
            set $forwarded_proto $http_x_forwarded_proto;
        }`;

/** Written out from $https rather than $scheme. */
const FROM_HTTPS_VARIABLE = `        set $forwarded_proto http;
        if ($https = on) {
            set $forwarded_proto https;
        }`;

function audit(nginx: string) {
  return applyRules(inputOf({ settings: SETTINGS_DJANGO_REDIRECTS, nginx }), ALL_RULES);
}

const failures = (checks: ReturnType<typeof audit>) =>
  checks.filter((c) => c.status === "fail").map((c) => `${c.id}: ${c.summary}`);

/** The findings of these rules (a rule that holds reports none). */
const findingsOf = (checks: ReturnType<typeof audit>, ...ids: string[]) =>
  checks.filter((c) => ids.includes(c.id)).map((c) => `${c.status} ${c.id}: ${c.summary}`);

describe("nginx if and set branches", () => {
  it("if ($scheme = http) { return 301 } with X-Forwarded-Proto $scheme passes: no plain request reaches the app", () => {
    const checks = audit(site(BOTH_PORTS, SCHEME_REDIRECT, "$scheme"));
    assert.deepEqual(failures(checks), []);
    assert.deepEqual(findingsOf(checks, "nginx-no-https-redirect", "contract-health-exempt"), []);
  });

  // nginx -t accepts spaces inside the parentheses, and around nothing else: `($scheme=http)` is refused.
  for (const written of [
    "( $scheme = http )",
    "( $scheme = http)",
    '($scheme = "http" )',
    "( $scheme ~ ^http$ )",
  ]) {
    it(`if ${written} { return 301 } is the same redirect: no plain request reaches the app`, () => {
      const redirect = SCHEME_REDIRECT.replace("($scheme = http)", written);
      const checks = audit(site(BOTH_PORTS, redirect, "$scheme"));
      assert.deepEqual(failures(checks), []);
      assert.deepEqual(findingsOf(checks, "nginx-no-https-redirect", "contract-health-exempt"), []);
    });
  }

  it("the same redirect without X-Forwarded-Proto: the client's copy is only a warning (HTTPS only), the lost scheme fails", () => {
    const checks = audit(site(BOTH_PORTS, SCHEME_REDIRECT, undefined));
    const spoof = checks.filter((c) => c.clause === "spoofed-proto" && c.status !== "pass");
    assert.ok(spoof.length > 0);
    for (const c of spoof) assert.equal(c.status, "warn", c.summary);
    assert.match(
      checks.find((c) => c.id === "nginx-xfp-from-client")!.summary,
      /plain HTTP is redirected before it reaches the app/,
    );
    assert.equal(checks.find((c) => c.id === "contract-ssl-redirect-loop")?.status, "fail");
  });

  it("set from $https inside if ($https = on) is nginx's own value: passes", () => {
    assert.deepEqual(failures(audit(site(BOTH_PORTS, FROM_HTTPS_VARIABLE, "$forwarded_proto"))), []);
  });

  it("set from the client's header when it is not empty fails on plain HTTP and names the branch; no loop on HTTPS", () => {
    const checks = audit(site(BOTH_PORTS, KEEP_OR_SCHEME, "$forwarded_proto"));
    const failing = failures(checks);
    assert.ok(
      failing.some((f) =>
        /^contract-scheme-header-from-client: .*copied from \$http_x_forwarded_proto when \$http_x_forwarded_proto is not empty \(if at \S+:\d+\), else \$scheme on plain HTTP/.test(
          f,
        ),
      ),
      failing.join("\n"),
    );
    assert.ok(failing.some((f) => f.startsWith("nginx-xfp-from-client")));
    assert.deepEqual(
      failing.filter((f) => /redirect-loop|scheme-not-conveyed|hsts-never-sent/.test(f)),
      [],
    );
  });

  it("the same set on an HTTPS-only server is a warning: over HTTPS a client can only claim http", () => {
    const checks = audit(site(TLS_ONLY, KEEP_OR_SCHEME, "$forwarded_proto"));
    assert.deepEqual(failures(checks), []);
    assert.equal(checks.find((c) => c.id === "contract-scheme-header-from-client")?.status, "warn");
  });

  it("a set that copies the header only for the balancer's address is not spoofable by strangers: warnings naming the peer", () => {
    const checks = audit(site(BOTH_PORTS, FROM_BALANCER_ONLY, "$forwarded_proto"));
    assert.deepEqual(failures(checks), []);
    const copies = checks.filter((c) => c.clause === "spoofed-proto" && c.status !== "pass");
    assert.ok(copies.length > 0);
    for (const c of copies) {
      assert.equal(c.status, "warn");
      assert.match(c.summary, /when \$realip_remote_addr is "10\.0\.0\.5" \(if at /);
    }
  });

  it("a redirect for clients that do not claim https still lets a client that claims it through: the copy fails, nobody-redirects does not", () => {
    const behindBalancer = site(
      "        listen 80;\n        set_real_ip_from 10.0.0.0/8;\n        real_ip_header X-Forwarded-For;",
      `        if ($http_x_forwarded_proto != "https") {\n            return 301 https://$host$request_uri;\n        }`,
      "$http_x_forwarded_proto",
    ).replace(/ {8}ssl_certificate.*\n/g, "");
    const checks = audit(behindBalancer);
    assert.ok(failures(checks).some((f) => /^contract-scheme-header-from-client: .*on plain HTTP/.test(f)));
    assert.deepEqual(findingsOf(checks, "contract-health-exempt"), []);
    const withoutRedirectSetting = applyRules(
      inputOf({
        settings: SETTINGS_DJANGO_REDIRECTS.replace(
          "SECURE_SSL_REDIRECT = True",
          "SECURE_SSL_REDIRECT = False",
        ),
        nginx: behindBalancer,
      }),
      ALL_RULES,
    );
    assert.deepEqual(findingsOf(withoutRedirectSetting, "contract-plain-http-unredirected"), []);
  });
});
