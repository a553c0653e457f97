/**
 * Real settings modules from ../shared/corpus (see its MANIFEST.md). The expectations
 * below were written by reading each file and deciding what is wrong with it.
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { CORPUS as corpus, corpusMissing } from "../../../corpus.js";
import { loadDjangoSettings } from "../../../../src/static/python/load-settings.js";
import type { DjangoSettings } from "../../../../src/static/python/settings-model.js";
import { repr } from "../../../../src/static/python/values.js";
import { djangoRules } from "../../../../src/static/rules/django/index.js";
import { cpuMsSince } from "../../fastest.js";

const skip = corpusMissing;

function pythonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return pythonFiles(full);
    return entry.name.endsWith(".py") ? [full] : [];
  });
}

async function load(relative: string): Promise<DjangoSettings> {
  return loadDjangoSettings(path.join(corpus, relative));
}

/** "status rule-id: message" for every finding. */
function audit(settings: DjangoSettings): string[] {
  return djangoRules.flatMap((r) =>
    r.check({ settings }).map((f) => `${f.status} ${r.meta.id}: ${f.message}`),
  );
}

function has(findings: string[], pattern: RegExp): void {
  assert.ok(
    findings.some((f) => pattern.test(f)),
    `expected a finding matching ${pattern}\n${findings.join("\n")}`,
  );
}

function lacks(findings: string[], pattern: RegExp): void {
  const hit = findings.find((f) => pattern.test(f));
  assert.equal(hit, undefined, `unexpected finding ${hit}`);
}

const values = (s: DjangoSettings, name: string) => s.values(name).map(repr);

describe("corpus settings", { skip }, () => {
  it("loads every Python file without throwing, quickly", async () => {
    const files = skip ? [] : pythonFiles(corpus).filter((f) => !f.includes("gixy"));
    assert.ok(files.length >= 20);
    for (const file of files) {
      const start = process.cpuUsage();
      const settings = await loadDjangoSettings(file);
      assert.ok(settings.files.length >= 1, file);
      for (const rule of djangoRules) rule.check({ settings });
      assert.ok(cpuMsSince(start) < 5000, `${file} took too long`);
    }
  });

  it("bakerydemo production: '*' from the env default, 30-day HSTS, no secure cookies", async () => {
    const s = await load("wagtail__bakerydemo/bakerydemo/settings/production.py");
    assert.deepEqual(values(s, "SECURE_PROXY_SSL_HEADER"), ["('HTTP_X_FORWARDED_PROTO', 'https')"]);
    assert.deepEqual(values(s, "DEBUG"), ["False"]);
    const findings = audit(s);
    has(
      findings,
      /^fail django-allowed-hosts-wildcard: ALLOWED_HOSTS from \$DJANGO_ALLOWED_HOSTS, default \['\*'\]/,
    );
    has(findings, /^fail django-hsts-short: .*default 2592000: max-age=2592000 is below six months/);
    has(findings, /^warn django-hsts-subdomains: SECURE_HSTS_INCLUDE_SUBDOMAINS = False/);
    has(
      findings,
      /^fail django-session-cookie-secure: SESSION_COOKIE_SECURE \(not set; Django's default is False\)/,
    );
    lacks(findings, /django-ssl-redirect/); // defaults to True from the environment
    lacks(findings, /django-debug|django-proxy-ssl-header-shape/);
  });

  it("linkding prod: ALLOWED_HOSTS falls back to '*', X-Forwarded-Host is cast properly", async () => {
    const s = await load("sissbruecker__linkding/bookmarks/settings/prod.py");
    assert.deepEqual(values(s, "ALLOWED_HOSTS"), ["[$HOST_NAME]", "['*']"]);
    assert.deepEqual(values(s, "USE_X_FORWARDED_HOST"), ["$LD_USE_X_FORWARDED_HOST (default False)"]);
    const findings = audit(s);
    has(findings, /^fail django-allowed-hosts-wildcard: ALLOWED_HOSTS = \['\*'\]/);
    lacks(findings, /django-env-bool-uncast|django-use-x-forwarded-host|django-csrf-trusted-origins/);
    lacks(findings, /django-debug/);
  });

  it("babybuddy: '*' and insecure cookies by default; the production example leaves '' hosts", async () => {
    const base = audit(await load("babybuddy__babybuddy/babybuddy/settings/base.py"));
    has(base, /^fail django-allowed-hosts-wildcard: ALLOWED_HOSTS from \$ALLOWED_HOSTS, default \['\*'\]/);
    has(
      base,
      /^fail django-session-cookie-secure: SESSION_COOKIE_SECURE from \$SESSION_COOKIE_SECURE, default False/,
    );
    lacks(base, /django-debug|django-proxy-ssl-header-shape|django-env-bool-uncast/);
    const example = audit(await load("babybuddy__babybuddy/babybuddy/settings/production.example.py"));
    has(example, /^fail django-allowed-hosts-malformed: ALLOWED_HOSTS = \[''\]: '' matches no host/);
    has(example, /^fail django-secret-key: SECRET_KEY = '': 0 characters/);
  });

  it("healthchecks: DEBUG and a placeholder SECRET_KEY by default; the proxy header comes only from env", async () => {
    const s = await load("healthchecks__healthchecks/hc/settings.py");
    assert.deepEqual(values(s, "SECURE_PROXY_SSL_HEADER"), ["$SECURE_PROXY_SSL_HEADER", "None"]);
    const findings = audit(s);
    has(findings, /^fail django-debug: DEBUG from \$DEBUG, default True/);
    has(findings, /^fail django-secret-key: SECRET_KEY from \$SECRET_KEY, default '---'/);
    lacks(findings, /django-proxy-ssl-header-shape|fail django-allowed-hosts-wildcard/);
    // [domain], the host of SITE_ROOT unpacked from a call: not known, so not passed either.
    has(findings, /^error django-allowed-hosts-wildcard: .*\(an entry: unpacking at line 285\)/);
    assert.ok(s.diagnostics.some((d) => /optional import \.local_settings/.test(d.message)));
  });

  it("DefectDojo: split_settings include, django-environ schema defaults", async () => {
    const s = await load("DefectDojo__django-DefectDojo/dojo/settings/settings.py");
    assert.ok(s.files.some((f) => f.endsWith("settings.dist.py")));
    // settings.dist.py hands globals() to dojo.notifications' populate_settings, which is not read.
    assert.deepEqual(values(s, "ALLOWED_HOSTS"), [
      "$DD_ALLOWED_HOSTS (default ('localhost', '127.0.0.1'))",
      "<unknown: _populate_notifications_settings(globals()) may change it: that code is not read>",
    ]);
    assert.deepEqual(values(s, "SECURE_HSTS_SECONDS"), ["$DD_SECURE_HSTS_SECONDS (default 31536000)", "0"]);
    const findings = audit(s);
    has(findings, /^fail django-secret-key: SECRET_KEY from \$DD_SECRET_KEY, default ''/);
    has(
      findings,
      /^fail django-session-cookie-secure: SESSION_COOKIE_SECURE from \$DD_SESSION_COOKIE_SECURE, default False/,
    );
    lacks(findings, /^(fail|warn) (django-allowed-hosts-wildcard|django-debug)/);
    has(
      findings,
      /^error django-allowed-hosts-wildcard: .*_populate_notifications_settings\(globals\(\)\) may change it/,
    );
    // CPython reads the whole file; @lezer/python once marked a line break at line 1774 as an error.
    assert.deepEqual(
      s.diagnostics.filter((d) => /syntax error/i.test(d.message)),
      [],
    );
  });

  it("paperless-ngx: '*' by default, required secret key, proxy header from JSON is an error not a pass", async () => {
    const s = await load("paperless-ngx__paperless-ngx/src/paperless/settings/__init__.py");
    assert.deepEqual(values(s, "SECRET_KEY"), ["$PAPERLESS_SECRET_KEY"]);
    const findings = audit(s);
    has(
      findings,
      /^fail django-allowed-hosts-wildcard: ALLOWED_HOSTS from \$PAPERLESS_ALLOWED_HOSTS, default \['\*'\]/,
    );
    has(findings, /^error django-proxy-ssl-header-shape: .*json\.loads/);
    lacks(findings, /django-secret-key|django-use-x-forwarded-host|django-debug/);
  });

  it("netbox: X-Forwarded-Host trusted, hosts and debug from a dynamic import are errors", async () => {
    const findings = audit(await load("netbox-community__netbox/netbox/netbox/settings.py"));
    has(findings, /^warn django-use-x-forwarded-host: USE_X_FORWARDED_HOST = True/);
    has(findings, /^error django-allowed-hosts-wildcard: ALLOWED_HOSTS could not be read statically/);
    lacks(findings, /django-proxy-ssl-header-shape/);
  });

  it("saleor: DEBUG on by default and no CSRF middleware", async () => {
    const findings = audit(await load("saleor__saleor/saleor/settings.py"));
    has(findings, /^fail django-debug: DEBUG from \$DEBUG, default True/);
    has(findings, /^fail django-csrf-middleware/);
    lacks(findings, /django-allowed-hosts-wildcard/);
  });

  it("cookiecutter (unrendered Jinja): syntax errors with lines, values still read", async () => {
    const s = await load(
      "cookiecutter__cookiecutter-django/{{cookiecutter.project_slug}}/config/settings/production.py",
    );
    const errors = s.diagnostics.filter((d) => d.severity === "error");
    assert.ok(errors.length > 0 && errors.every((d) => d.line > 0 && /Jinja/.test(d.message)));
    assert.deepEqual(values(s, "SESSION_COOKIE_SECURE"), ["True"]);
    has(audit(s), /^fail django-hsts-short: SECURE_HSTS_SECONDS = 60: max-age=60 is below six months/);
  });

  it("readthedocs: class-based settings are reported unsupported, never silently safe", async () => {
    const s = await load("readthedocs__readthedocs.org/readthedocs/settings/docker_compose.py");
    assert.ok(s.diagnostics.some((d) => /class-based settings/.test(d.message)));
    const findings = audit(s);
    has(findings, /^error django-allowed-hosts-wildcard: .*class-based/);
    lacks(findings, /django-security-middleware|django-session-cookie-secure/);
  });
});
