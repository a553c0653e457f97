/**
 * Consequences in Django's order: ALLOWED_HOSTS answers 400 before anything else, so a proxy that lets
 * unknown hosts through is a failure only when Django lets them in too; and HSTS is "never sent" only
 * when neither Django nor the proxy sends it.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyRules } from "../../../../src/static/audit.js";
import { ALL_RULES } from "../../../../src/static/rules/index.js";
import { inputOf } from "../contract/fixtures.js";
import { NGINX_ONE_SERVER_BOTH_PORTS, SETTINGS_DJANGO_REDIRECTS } from "./fixtures.js";

/** The one-server config without its catch-all server: the app's server is the default for 80 and 443. */
const NO_CATCH_ALL = NGINX_ONE_SERVER_BOTH_PORTS.replace(
  / {4}server \{\n {8}listen 80 default_server;[^]*?\n {4}\}\n/,
  "",
);

function statusOf(id: string, settings: string, nginx: string): string[] {
  return applyRules(inputOf({ settings, nginx }), ALL_RULES)
    .filter((c) => c.id === id)
    .map((c) => `${c.status}: ${c.summary}`);
}

describe("consequences in Django's order", () => {
  it("unknown hosts reaching Django: a warning when ALLOWED_HOSTS names every host, a failure with '*'", () => {
    assert.notEqual(NO_CATCH_ALL, NGINX_ONE_SERVER_BOTH_PORTS);
    const strict = statusOf("nginx-no-catch-all-server", SETTINGS_DJANGO_REDIRECTS, NO_CATCH_ALL);
    assert.equal(strict.length, 2);
    for (const line of strict)
      assert.match(line, /^warn: .*ALLOWED_HOSTS = \['app\.example\.com'\] refuses them with 400/);
    const open = SETTINGS_DJANGO_REDIRECTS.replace(
      'ALLOWED_HOSTS = ["app.example.com"]',
      'ALLOWED_HOSTS = ["*"]',
    );
    for (const line of statusOf("nginx-no-catch-all-server", open, NO_CATCH_ALL))
      assert.match(line, /^fail: /);
    assert.deepEqual(
      statusOf("nginx-no-catch-all-server", SETTINGS_DJANGO_REDIRECTS, NGINX_ONE_SERVER_BOTH_PORTS),
      [],
    );
  });

  it("HSTS never sent: SECURE_HSTS_SECONDS = 0 and no header from the proxy fails; either one sending it passes", () => {
    const off = SETTINGS_DJANGO_REDIRECTS.replace(
      "SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365",
      "SECURE_HSTS_SECONDS = 0",
    );
    assert.notEqual(off, SETTINGS_DJANGO_REDIRECTS);
    const never = statusOf("contract-hsts-never-sent", off, NGINX_ONE_SERVER_BOTH_PORTS);
    assert.equal(never.length, 1);
    assert.match(
      never[0]!,
      /^fail: SECURE_HSTS_SECONDS = 0, and the proxy adds no Strict-Transport-Security on HTTPS through location \/ .*: HSTS is never sent/,
    );
    const proxySends = NGINX_ONE_SERVER_BOTH_PORTS.replace(
      "client_max_body_size 4G;",
      'client_max_body_size 4G;\n        add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;',
    );
    assert.deepEqual(statusOf("contract-hsts-never-sent", off, proxySends), []);
    assert.deepEqual(
      statusOf("contract-hsts-never-sent", SETTINGS_DJANGO_REDIRECTS, NGINX_ONE_SERVER_BOTH_PORTS),
      [],
    );
  });
});
