import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadCaddyfile, parseCaddyfile } from "../../../../src/static/caddy/model.js";
import { caddyRules } from "../../../../src/static/rules/caddy/index.js";
import type { RuleFinding, StaticRule } from "../../../../src/static/rule.js";

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");

function rule(id: string): StaticRule {
  const found = caddyRules.find((r) => r.meta.id === id);
  assert.ok(found, `rule ${id} is registered`);
  return found;
}

function run(id: string, fixture: string): RuleFinding[] {
  const caddy = loadCaddyfile(path.join(fixtures, fixture));
  assert.deepEqual(caddy.errors, []);
  return rule(id).check({ caddy });
}

/** [rule, fixture, expected status, expected line] for failing fixtures; passing fixtures expect no finding. */
const failing: [string, string, "fail" | "warn", number][] = [
  ["caddy-trusted-proxies-proto", "trusted-everyone.Caddyfile", "fail", 5],
  ["caddy-trusted-proxies-client-ip", "trusted-everyone.Caddyfile", "fail", 5],
  ["caddy-trusted-proxies-proto", "trusted-private-intranet.Caddyfile", "fail", 6],
  ["caddy-header-up-client-proto", "header-up-client.Caddyfile", "fail", 4],
  ["caddy-header-up-client-host", "header-up-client.Caddyfile", "fail", 5],
  ["caddy-header-up-client-ip", "header-up-client.Caddyfile", "fail", 6],
  ["caddy-header-up-host-upstream", "header-up-client.Caddyfile", "fail", 7],
  ["caddy-client-x-real-ip", "no-hsts.Caddyfile", "warn", 2],
  ["caddy-http-site-proxies", "http-site-proxies.Caddyfile", "warn", 1],
  ["caddy-auto-https-redirects-off", "auto-https-off.Caddyfile", "warn", 2],
  ["caddy-hsts-missing", "no-hsts.Caddyfile", "warn", 1],
];

const passing: [string, string][] = [
  ["caddy-trusted-proxies-proto", "trusted-private-public.Caddyfile"],
  ["caddy-trusted-proxies-client-ip", "good.Caddyfile"],
  ["caddy-header-up-client-proto", "header-up-safe.Caddyfile"],
  ["caddy-header-up-client-host", "header-up-safe.Caddyfile"],
  ["caddy-header-up-client-ip", "header-up-safe.Caddyfile"],
  ["caddy-header-up-host-upstream", "header-up-safe.Caddyfile"],
  ["caddy-client-x-real-ip", "header-up-safe.Caddyfile"],
  ["caddy-client-x-real-ip", "header-up-client.Caddyfile"],
  ["caddy-client-x-real-ip", "good.Caddyfile"],
  ["caddy-http-site-proxies", "http-site-redirects.Caddyfile"],
  ["caddy-auto-https-redirects-off", "auto-https-off-redirect.Caddyfile"],
  ["caddy-hsts-missing", "good.Caddyfile"],
  ["caddy-hsts-missing", "imports.Caddyfile"],
];

for (const [id, fixture, status, line] of failing) {
  test(`${id} flags ${fixture}`, () => {
    const findings = run(id, fixture);
    assert.equal(findings.length, 1, JSON.stringify(findings));
    assert.equal(findings[0]?.status, status);
    assert.equal(findings[0]?.location.line, line);
    assert.equal(findings[0]?.location.file, path.join(fixtures, fixture));
  });
}

for (const [id, fixture] of passing) {
  test(`${id} passes ${fixture}`, () => {
    assert.deepEqual(run(id, fixture), []);
  });
}

test("the good fixture passes every rule", () => {
  const caddy = loadCaddyfile(path.join(fixtures, "good.Caddyfile"));
  assert.deepEqual(
    caddyRules.flatMap((r) => r.check({ caddy })),
    [],
  );
});

test("every rule returns nothing without a Caddyfile", () => {
  for (const r of caddyRules) assert.deepEqual(r.check({}), []);
});

test("rule ids are unique and metadata is complete", () => {
  const ids = caddyRules.map((r) => r.meta.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const r of caddyRules) {
    assert.match(r.meta.id, /^caddy-[a-z0-9-]+$/);
    assert.ok(r.meta.fix.caddy, `${r.meta.id} has a caddy fix`);
  }
});

test("private_ranges on a catch-all site is a warning; a global servers list counts too", () => {
  const catchAll = parseCaddyfile(
    ":8080 {\n\treverse_proxy app:8000 {\n\t\ttrusted_proxies private_ranges\n\t}\n}\n",
    "x",
  );
  assert.deepEqual(
    rule("caddy-trusted-proxies-proto")
      .check({ caddy: catchAll })
      .map((f) => f.status),
    ["warn"],
  );
  const global = parseCaddyfile(
    "{\n\tservers {\n\t\ttrusted_proxies static 0.0.0.0/0\n\t}\n}\na.com {\n\treverse_proxy app\n}\n",
    "x",
  );
  assert.deepEqual(
    rule("caddy-trusted-proxies-client-ip")
      .check({ caddy: global })
      .map((f) => [f.status, f.location.line]),
    [["fail", 3]],
  );
});

const SECURITY_MIDDLEWARE = 'MIDDLEWARE = ["django.middleware.security.SecurityMiddleware"]\n';
const HSTS_BEHIND_PROXY =
  "SECURE_HSTS_SECONDS = 31536000\nSECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https')\n";

test("HSTS rules stay quiet only where Django surely sends HSTS through the proxy's routes", async () => {
  const { djangoSettingsFromSource } = await import("../../../../src/static/python/load-settings.js");
  const { haproxyRules } = await import("../../../../src/static/rules/haproxy/index.js");
  const { loadHaproxyConfig, parseHaproxyConfig } = await import("../../../../src/static/haproxy/model.js");
  const caddy = loadCaddyfile(path.join(fixtures, "no-hsts.Caddyfile"));
  const haproxyHsts = haproxyRules.find((r) => r.meta.id === "haproxy-hsts-missing");
  assert.ok(haproxyHsts);
  const caddyWarns = (source: string) =>
    rule("caddy-hsts-missing").check({ caddy, settings: djangoSettingsFromSource(source) }).length;
  // Caddy's reverse_proxy sets X-Forwarded-Proto: https itself, which SECURE_PROXY_SSL_HEADER reads.
  const sends = djangoSettingsFromSource(SECURITY_MIDDLEWARE + HSTS_BEHIND_PROXY);
  assert.deepEqual(rule("caddy-hsts-missing").check({ caddy, settings: sends }), []);
  // SecurityMiddleware adds the header: without it SECURE_HSTS_SECONDS does nothing.
  assert.equal(caddyWarns(HSTS_BEHIND_PROXY), 1);
  // Without SECURE_PROXY_SSL_HEADER, or reading a header Caddy never sets, Django sees http and sends none.
  assert.equal(caddyWarns(SECURITY_MIDDLEWARE + "SECURE_HSTS_SECONDS = 31536000\n"), 1);
  const sslHeader = HSTS_BEHIND_PROXY.replace(
    "('HTTP_X_FORWARDED_PROTO', 'https')",
    "('HTTP_X_FORWARDED_SSL', 'on')",
  );
  assert.equal(caddyWarns(SECURITY_MIDDLEWARE + sslHeader), 1);
  // A MIDDLEWARE list that cannot be read is no evidence that SecurityMiddleware runs.
  assert.equal(caddyWarns("MIDDLEWARE = BASE_MIDDLEWARE + []\n" + HSTS_BEHIND_PROXY), 1);
  // HAProxy passes the client's X-Forwarded-Proto as sent unless told to set it: an honest client sends none.
  const noXfp = loadHaproxyConfig(path.join(fixtures, "..", "..", "haproxy", "fixtures", "no-xfp.cfg"));
  assert.equal(haproxyHsts.check({ haproxy: noXfp, settings: sends }).length, 1);
  const setsXfp = parseHaproxyConfig(
    [
      "defaults",
      "    mode http",
      "frontend https-in",
      "    bind *:443 ssl crt /etc/haproxy/certs/site.pem",
      "    http-request set-header X-Forwarded-Proto https if { ssl_fc }",
      "    default_backend django",
      "backend django",
      "    server app1 127.0.0.1:8000",
      "",
    ].join("\n"),
    "/etc/haproxy/haproxy.cfg",
  );
  assert.deepEqual(haproxyHsts.check({ haproxy: setsXfp, settings: sends }), []);
  assert.equal(haproxyHsts.check({ haproxy: setsXfp }).length, 1);
});

test("a redir behind a path matcher does not redirect the whole http:// site", () => {
  const partial = parseCaddyfile(
    "http://example.com {\n\tredir /admin/* https://{host}{uri} 308\n\treverse_proxy 127.0.0.1:8000\n}\n",
    "x",
  );
  assert.deepEqual(
    rule("caddy-http-site-proxies")
      .check({ caddy: partial })
      .map((f) => [f.status, f.location.line]),
    [["warn", 1]],
  );
  const offPartial = parseCaddyfile(
    "{\n\tauto_https off\n}\nhttp://example.com {\n\tredir /admin/* https://{host}{uri}\n}\nexample.com {\n\treverse_proxy 127.0.0.1:8000\n}\n",
    "x",
  );
  assert.equal(rule("caddy-auto-https-redirects-off").check({ caddy: offPartial }).length, 1);
});

test("header ?Strict-Transport-Security (set when the response has none) counts as sending HSTS", () => {
  const caddy = parseCaddyfile(
    'example.com {\n\theader ?Strict-Transport-Security "max-age=63072000; includeSubDomains"\n\treverse_proxy 127.0.0.1:8000\n}\n',
    "x",
  );
  assert.deepEqual(rule("caddy-hsts-missing").check({ caddy }), []);
  const block = parseCaddyfile(
    'example.com {\n\theader {\n\t\t?Strict-Transport-Security "max-age=63072000"\n\t}\n\treverse_proxy 127.0.0.1:8000\n}\n',
    "x",
  );
  assert.deepEqual(rule("caddy-hsts-missing").check({ caddy: block }), []);
});

test("caddy-hsts-dropped fails a site that deletes the Strict-Transport-Security Django sends", async () => {
  const { djangoSettingsFromSource } = await import("../../../../src/static/python/load-settings.js");
  const sends = djangoSettingsFromSource(
    "SECURE_HSTS_SECONDS = 31536000\nSECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https')\n",
  );
  const dropping = parseCaddyfile(
    "example.com {\n\theader -Strict-Transport-Security\n\treverse_proxy 127.0.0.1:8000 {\n\t\theader_down -Strict-Transport-Security\n\t}\n}\n",
    "x",
  );
  assert.deepEqual(
    rule("caddy-hsts-dropped")
      .check({ caddy: dropping, settings: sends })
      .map((f) => [f.status, f.location.line]),
    [
      ["fail", 2],
      ["fail", 4],
    ],
  );
  assert.equal(rule("caddy-hsts-dropped").check({ caddy: dropping }).length, 2);
  const resets = parseCaddyfile(
    'example.com {\n\theader Strict-Transport-Security "max-age=31536000"\n\treverse_proxy 127.0.0.1:8000 {\n\t\theader_down -Strict-Transport-Security\n\t}\n}\n',
    "x",
  );
  assert.deepEqual(rule("caddy-hsts-dropped").check({ caddy: resets, settings: sends }), []);
  const none = djangoSettingsFromSource("SECURE_HSTS_SECONDS = 0\n");
  assert.deepEqual(rule("caddy-hsts-dropped").check({ caddy: dropping, settings: none }), []);
});
