/** Fixes written from the failing evidence: the identified proxy and app server, the headers that got through, the site's own name. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { APP_SERVER_KINDS, CLAUSE_IDS, PROXY_KINDS } from "../../src/clauses.js";
import { deploymentOf, renderFix, withSiteHost } from "../../src/fix-text.js";
import type { Report } from "../../src/report/model.js";

describe("only the identified proxy's fix", () => {
  test("an identified proxy gets its own fix and no other proxy's", () => {
    const fix = renderFix("hsts", { proxy: "haproxy" });
    assert.match(fix, /^haproxy: http-response set-header Strict-Transport-Security/m);
    for (const other of PROXY_KINDS.filter((k) => k !== "haproxy"))
      assert.doesNotMatch(fix, new RegExp(`^${other}:`, "m"));
  });

  test("an unidentified proxy: each proxy's fix, and the report says why", () => {
    const fix = renderFix("hsts", {});
    assert.match(fix, /the proxy was not identified/);
    for (const kind of ["nginx", "caddy", "haproxy", "apache", "traefik"])
      assert.match(fix, new RegExp(`^${kind}:`, "m"));
  });
});

describe("spoofed-proto: the fix follows the headers that got through", () => {
  test("HAProxy that already overwrites X-Forwarded-Proto but passes X_Forwarded_Proto: delete that spelling", () => {
    const fix = renderFix("spoofed-proto", {
      proxy: "haproxy",
      headersThrough: ["X_Forwarded_Proto", "X_Forwarded_Proto"],
    });
    assert.match(fix, /^haproxy: http-request del-header X_Forwarded_Proto$/m);
    assert.doesNotMatch(fix, /set-header|add-header/);
    assert.equal(fix.match(/del-header/g)?.length, 1);
  });

  test("HAProxy that appends (add-header): set-header, and the cousins deleted by name", () => {
    const fix = renderFix("spoofed-proto", {
      proxy: "haproxy",
      headersThrough: ["X-Forwarded-Proto", "X-Forwarded-Ssl", "X_Forwarded_Proto"],
    });
    assert.match(fix, /http-request set-header X-Forwarded-Proto https if \{ ssl_fc \}/);
    assert.match(fix, /http-request del-header X-Forwarded-Ssl/);
    assert.match(fix, /http-request del-header X_Forwarded_Proto/);
    assert.doesNotMatch(fix, /del-header X-Forwarded-Proto/);
  });

  test("the fix says on which route the header got through", () => {
    const fix = renderFix("spoofed-proto", {
      proxy: "nginx",
      headersThrough: ["X-Forwarded-Ssl"],
      route: "/contact/",
    });
    assert.match(fix, /^# where \/contact\/ is proxied, and on every other route/m);
  });

  test("each proxy removes a header in its own words", () => {
    const through = { headersThrough: ["X-Forwarded-Ssl"] };
    assert.match(
      renderFix("spoofed-proto", { proxy: "nginx", ...through }),
      /proxy_set_header X-Forwarded-Ssl "";/,
    );
    assert.match(renderFix("spoofed-proto", { proxy: "caddy", ...through }), /header_up -X-Forwarded-Ssl/);
    assert.match(
      renderFix("spoofed-proto", { proxy: "apache", ...through }),
      /RequestHeader unset X-Forwarded-Ssl/,
    );
    // nginx cannot name an underscore header; it drops them unless told otherwise
    assert.match(
      renderFix("spoofed-proto", { proxy: "nginx", headersThrough: ["X_Forwarded_Proto"] }),
      /underscores_in_headers off;/,
    );
  });

  test("a proxy with no removal of its own keeps the catalogue's fix", () => {
    assert.match(
      renderFix("spoofed-proto", { proxy: "traefik", headersThrough: ["X-Forwarded-Proto"] }),
      /forwardedHeaders/,
    );
  });

  test("forwarded-host: X_Forwarded_Host and Forwarded are removed, X-Forwarded-Host overwritten", () => {
    const fix = renderFix("forwarded-host", {
      proxy: "haproxy",
      headersThrough: ["X-Forwarded-Host", "X_Forwarded_Host", "Forwarded"],
    });
    assert.match(fix, /set-header X-Forwarded-Host %\[req.hdr\(host\)\]/);
    assert.match(fix, /del-header X_Forwarded_Host/);
    assert.match(fix, /del-header Forwarded/);
  });
});

describe("the app server's own option", () => {
  test("a known app server gets its line only", () => {
    const fix = renderFix("scheme", { proxy: "nginx", appServer: "uvicorn" });
    assert.match(fix, /^uvicorn: .*--forwarded-allow-ips/m);
    for (const other of APP_SERVER_KINDS.filter((k) => k !== "uvicorn"))
      assert.doesNotMatch(fix, new RegExp(`^${other}:`, "m"));
  });

  test("an unknown one: each app server's, and the report says so", () => {
    const fix = renderFix("scheme", { proxy: "nginx" });
    assert.match(fix, /the app server was not identified/);
    assert.match(fix, /^gunicorn: .*forwarded_allow_ips/m);
    assert.match(fix, /^waitress: .*trusted_proxy/m);
    assert.match(fix, /^daphne: .*--proxy-headers/m);
  });
});

describe("the site's own names", () => {
  test("no fix of any clause, for any proxy, prints example.com once the host is known", () => {
    for (const id of CLAUSE_IDS)
      for (const proxy of [undefined, ...PROXY_KINDS]) {
        const fix = renderFix(id, { proxy, siteHost: "shop.test" });
        assert.doesNotMatch(fix, /example\.com/, `${id} ${proxy}`);
      }
    assert.match(
      renderFix("csrf-origin", { siteHost: "shop.test" }),
      /CSRF_TRUSTED_ORIGINS = \['https:\/\/shop\.test'\]/,
    );
    assert.match(renderFix("host-header", { siteHost: "shop.test" }), /ALLOWED_HOSTS = \['shop\.test'\]/);
  });

  test("an origin keeps its port, a host name does not", () => {
    const text = "CSRF_TRUSTED_ORIGINS = ['https://app.example.com']\nALLOWED_HOSTS = ['app.example.com']";
    assert.equal(
      withSiteHost(text, "shop.test:8443"),
      "CSRF_TRUSTED_ORIGINS = ['https://shop.test:8443']\nALLOWED_HOSTS = ['shop.test']",
    );
  });

  test("a scan's and a doctor's report give their host; an audit's files do not", () => {
    const base: Report = {
      tool: "proxytrust",
      version: "0",
      command: "scan",
      target: "https://app.test/",
      checks: [],
    };
    assert.equal(deploymentOf(base).siteHost, "app.test");
    assert.equal(
      deploymentOf({ ...base, command: "doctor", target: "https://app.test/ + settings.py" }).siteHost,
      "app.test",
    );
    assert.equal(
      deploymentOf({ ...base, command: "audit", target: "settings.py, nginx.conf" }).siteHost,
      undefined,
    );
  });
});

test("Apache fix texts put comments on their own line: Apache allows none after a directive's arguments", async () => {
  const { CLAUSES } = await import("../../src/clauses.js");
  const { apacheRules } = await import("../../src/static/rules/apache/index.js");
  const { contractRules } = await import("../../src/static/rules/contract/index.js");
  const texts = [
    ...[...apacheRules, ...contractRules].flatMap((rule) => [rule.meta.fix.apache, rule.meta.fix.mod_wsgi]),
    ...[...CLAUSES.values()].flatMap((clause) => [clause.fix.apache, clause.fix.mod_wsgi]),
    // The proxy's part of a rendered fix, up to the next target's.
    ...["spoofed-proto", "forwarded-host"].map(
      (id) =>
        /^apache: ([\s\S]*?)(?=^[\w-]+: |$(?![\s\S]))/m.exec(
          renderFix(id as never, { proxy: "apache" }),
        )?.[1],
    ),
  ];
  for (const text of texts)
    for (const line of (text ?? "").split("\n"))
      assert.doesNotMatch(line, /^\s*[^#\s].*\s#/, `a trailing comment in: ${line}`);
});
