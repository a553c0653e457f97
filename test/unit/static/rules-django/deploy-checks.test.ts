/** Failing and passing settings for the check --deploy rules the other Django tests do not name. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { djangoSettingsFromSource } from "../../../../src/static/python/load-settings.js";
import { djangoRules } from "../../../../src/static/rules/django/index.js";

function statuses(id: string, source: string): string[] {
  const rule = djangoRules.find((r) => r.meta.id === id);
  assert.ok(rule, id);
  return rule.check({ settings: djangoSettingsFromSource(source) }).map((f) => f.status);
}

const MIDDLEWARE = `MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
`;

const CASES: { id: string; failing: string; passing: string }[] = [
  {
    id: "django-ssl-redirect",
    failing: `${MIDDLEWARE}SECURE_SSL_REDIRECT = False\n`,
    passing: `${MIDDLEWARE}SECURE_SSL_REDIRECT = True\n`,
  },
  {
    id: "django-session-cookie-httponly",
    failing: "SESSION_COOKIE_HTTPONLY = False\n",
    passing: "SESSION_COOKIE_HTTPONLY = True\n",
  },
  {
    id: "django-csrf-cookie-secure",
    failing: "CSRF_COOKIE_SECURE = False\n",
    passing: "CSRF_COOKIE_SECURE = True\n",
  },
  {
    id: "django-xframe-middleware",
    failing: 'MIDDLEWARE = ["django.middleware.security.SecurityMiddleware"]\n',
    passing: MIDDLEWARE,
  },
  {
    id: "django-xframe-options",
    failing: `${MIDDLEWARE}X_FRAME_OPTIONS = "SAMEORIGIN"\n`,
    passing: `${MIDDLEWARE}X_FRAME_OPTIONS = "DENY"\n`,
  },
  {
    id: "django-content-type-nosniff",
    failing: `${MIDDLEWARE}SECURE_CONTENT_TYPE_NOSNIFF = False\n`,
    passing: MIDDLEWARE,
  },
  {
    id: "django-referrer-policy",
    failing: `${MIDDLEWARE}SECURE_REFERRER_POLICY = "no-such-policy"\n`,
    passing: `${MIDDLEWARE}SECURE_REFERRER_POLICY = "same-origin"\n`,
  },
];

for (const c of CASES) {
  test(`${c.id}: flags the failing settings and stays quiet on the passing ones`, () => {
    assert.ok(statuses(c.id, c.failing).length > 0, "failing settings are flagged");
    assert.ok(statuses(c.id, c.failing).every((s) => s === "fail" || s === "warn"));
    assert.deepEqual(statuses(c.id, c.passing), []);
  });
}
