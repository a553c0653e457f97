import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isClauseId } from "../../../../src/clauses.js";
import { djangoSettingsFromSource } from "../../../../src/static/python/load-settings.js";
import type { RuleFinding, StaticRule } from "../../../../src/static/rule.js";
import { djangoRules } from "../../../../src/static/rules/django/index.js";

function rule(id: string): StaticRule {
  const found = djangoRules.find((r) => r.meta.id === id);
  assert.ok(found, `rule ${id} exists`);
  return found;
}

function run(id: string, source: string): RuleFinding[] {
  return rule(id).check({ settings: djangoSettingsFromSource(`import os\n${source}`) });
}

/** "fail: message" lines, for compact assertions. */
function statuses(id: string, source: string): string[] {
  return run(id, source).map((f) => f.status);
}

const SECURE_BASE = `
DEBUG = False
SECRET_KEY = os.environ["SECRET_KEY"]
ALLOWED_HOSTS = ["app.example.com"]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = ["https://app.example.com"]
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
`;

describe("rule metadata", () => {
  it("gives every rule a unique id, a known clause and a Django fix", () => {
    const ids = new Set(djangoRules.map((r) => r.meta.id));
    assert.equal(ids.size, djangoRules.length);
    for (const r of djangoRules) {
      assert.ok(isClauseId(r.meta.clause), r.meta.id);
      assert.ok(r.meta.fix.django, `${r.meta.id} has a django fix`);
      assert.match(r.meta.id, /^django-/);
    }
  });

  it("covers the check --deploy warnings", () => {
    const covered = new Set(djangoRules.map((r) => r.meta.djangoCheck));
    for (const n of [
      "001",
      "002",
      "003",
      "004",
      "005",
      "006",
      "008",
      "009",
      "012",
      "013",
      "016",
      "018",
      "019",
      "020",
      "021",
      "022",
    ]) {
      assert.ok(covered.has(`security.W${n}`), `security.W${n}`);
    }
  });

  it("finds nothing in hardened settings", () => {
    const settings = djangoSettingsFromSource(`import os\n${SECURE_BASE}`);
    const findings = djangoRules.flatMap((r) =>
      r.check({ settings }).map((f) => `${r.meta.id}: ${f.message}`),
    );
    assert.deepEqual(findings, []);
  });

  it("returns nothing without settings", () => {
    for (const r of djangoRules) assert.deepEqual(r.check({}), []);
  });
});

describe("SECURE_PROXY_SSL_HEADER shape", () => {
  it("fails a header without the HTTP_ prefix or in dashed form", () => {
    assert.deepEqual(
      statuses("django-proxy-ssl-header-shape", `SECURE_PROXY_SSL_HEADER = ("X-Forwarded-Proto", "https")`),
      ["fail"],
    );
    const [dashed] = run(
      "django-proxy-ssl-header-shape",
      `SECURE_PROXY_SSL_HEADER = ("HTTP_X-FORWARDED-PROTO", "https")`,
    );
    assert.match(dashed!.message, /HTTP_X_FORWARDED_PROTO/);
  });

  it("fails a non-pair and warns about an upper-case value", () => {
    assert.deepEqual(
      statuses("django-proxy-ssl-header-shape", `SECURE_PROXY_SSL_HEADER = "HTTP_X_FORWARDED_PROTO"`),
      ["fail"],
    );
    const [upper] = run(
      "django-proxy-ssl-header-shape",
      `SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "HTTPS")`,
    );
    assert.equal(upper!.status, "warn");
    assert.match(upper!.message, /case-sensitive/);
  });

  it("reports an error when the value cannot be read, and nothing for an env value without default", () => {
    assert.deepEqual(statuses("django-proxy-ssl-header-shape", `SECURE_PROXY_SSL_HEADER = compute()`), [
      "error",
    ]);
    assert.deepEqual(
      statuses(
        "django-proxy-ssl-header-shape",
        `SECURE_PROXY_SSL_HEADER = tuple(os.environ["H"].split(","))`,
      ),
      [],
    );
  });
});

describe("ALLOWED_HOSTS", () => {
  it("fails '*' from an env default and says it was judged on the default", () => {
    const [f] = run(
      "django-allowed-hosts-wildcard",
      `ALLOWED_HOSTS = os.getenv("DJANGO_ALLOWED_HOSTS", "*").split(",")`,
    );
    assert.equal(f!.status, "fail");
    assert.match(f!.message, /ALLOWED_HOSTS from \$DJANGO_ALLOWED_HOSTS, default \['\*'\]/);
    assert.match(f!.message, /judged on the default/);
  });

  it("fails a bare '*' string and a public-suffix wildcard", () => {
    assert.deepEqual(statuses("django-allowed-hosts-wildcard", `ALLOWED_HOSTS = "*"`), ["fail"]);
    assert.deepEqual(statuses("django-allowed-hosts-wildcard", `ALLOWED_HOSTS = [".herokuapp.com"]`), [
      "fail",
    ]);
    assert.deepEqual(statuses("django-allowed-hosts-wildcard", `ALLOWED_HOSTS = [".example.com"]`), []);
  });

  it("judges an entry from the environment on its default; an entry it cannot read is an error, not a pass", () => {
    const [fromDefault] = run(
      "django-allowed-hosts-wildcard",
      `ALLOWED_HOSTS = ["app.example.com", os.environ.get("EXTRA_HOST", "*")]`,
    );
    assert.equal(fromDefault!.status, "fail");
    assert.match(fromDefault!.message, /judged on an entry's default/);
    assert.deepEqual(statuses("django-allowed-hosts-wildcard", `ALLOWED_HOSTS = [os.environ["HOST"]]`), []);
    for (const entry of [`f"{HOST!s}"`, `"%s" % HOST`, `socket.gethostname()`]) {
      const [unread] = run("django-allowed-hosts-wildcard", `HOST = "*"\nALLOWED_HOSTS = [${entry}]`);
      assert.equal(unread?.status, "error", entry);
      assert.match(unread!.message, /could not be read statically \(an entry: .+\); if it is '\*'/, entry);
    }
  });

  it("reads an f-string of known values as the string it makes", () => {
    assert.deepEqual(statuses("django-allowed-hosts-wildcard", `HOST = "*"\nALLOWED_HOSTS = [f"{HOST}"]`), [
      "fail",
    ]);
    assert.deepEqual(
      statuses(
        "django-allowed-hosts-wildcard",
        `DOMAIN = "shop.example.com"\nALLOWED_HOSTS = [f"api.{DOMAIN}"]`,
      ),
      [],
    );
  });

  it("fails entries Django never matches", () => {
    const messages = run(
      "django-allowed-hosts-malformed",
      `ALLOWED_HOSTS = ["https://a.example.com", "b.example.com:8000", "c.example.com/", "*.d.example.com", "ok.example.com"]`,
    ).map((f) => f.message);
    assert.equal(messages.length, 4);
    assert.match(messages[0]!, /scheme/);
    assert.match(messages[1]!, /port/);
    assert.match(messages[2]!, /path/);
    assert.match(messages[3]!, /'\.d\.example\.com'/);
  });

  it("fails a plain string and the '' an empty env split leaves", () => {
    assert.match(
      run("django-allowed-hosts-malformed", `ALLOWED_HOSTS = "app.example.com"`)[0]!.message,
      /character/,
    );
    const [empty] = run(
      "django-allowed-hosts-malformed",
      `ALLOWED_HOSTS = os.environ.get("HOSTS", "").split(",")`,
    );
    assert.match(empty!.message, /'' matches no host/);
  });

  it("warns about an empty list only when DEBUG is certainly off", () => {
    assert.deepEqual(statuses("django-allowed-hosts-empty", `DEBUG = False\nALLOWED_HOSTS = []`), ["warn"]);
    assert.deepEqual(statuses("django-allowed-hosts-empty", `DEBUG = True\nALLOWED_HOSTS = []`), []);
  });
});

describe("CSRF_TRUSTED_ORIGINS", () => {
  const messages = (origins: string, extra = "") =>
    run("django-csrf-trusted-origins", `${extra}\nCSRF_TRUSTED_ORIGINS = ${origins}`).map(
      (f) => `${f.status}: ${f.message}`,
    );

  it("fails entries without scheme, with a path, or naming no host", () => {
    const found = messages(`["app.example.com", "https://b.example.com/", "https://*"]`);
    assert.equal(found.length, 3);
    assert.match(found[0]!, /^fail: .*no scheme/);
    assert.match(found[1]!, /^fail: .*trailing slash/);
    assert.match(found[2]!, /^fail: .*names no host/);
  });

  it("fails wildcards on a public suffix but not on an own domain", () => {
    assert.equal(messages(`["https://*.co.uk"]`).length, 1);
    assert.deepEqual(messages(`["https://*.example.com"]`), []);
  });

  it("warns about http:// origins only on an HTTPS site, and never for localhost", () => {
    assert.deepEqual(messages(`["http://app.example.com"]`), []);
    assert.match(
      messages(`["http://app.example.com", "http://localhost:8000"]`, "SESSION_COOKIE_SECURE = True")[0]!,
      /^warn: .*plain-HTTP/,
    );
    assert.equal(messages(`["http://localhost:8000"]`, "SESSION_COOKIE_SECURE = True").length, 0);
  });

  it("fails an http:// origin on an HTTPS-only site (SECURE_SSL_REDIRECT or HSTS): origins are exact, schemes included", () => {
    const both = `["https://app.example.com", "http://app.example.com"]`;
    for (const httpsOnly of ["SECURE_SSL_REDIRECT = True", "SECURE_HSTS_SECONDS = 31536000"]) {
      const found = messages(both, `${httpsOnly}\nSESSION_COOKIE_SECURE = True`);
      assert.equal(found.length, 1, httpsOnly);
      assert.match(
        found[0]!,
        /^fail: .*'http:\/\/app\.example\.com' trusts a plain-HTTP origin on an HTTPS-only site/,
      );
    }
    const httpsOnly = "SECURE_SSL_REDIRECT = True\nSECURE_HSTS_SECONDS = 31536000";
    assert.deepEqual(messages(`["https://app.example.com", "https://*.app.example.com"]`, httpsOnly), []);
    assert.deepEqual(messages(`["https://app.example.com", "http://localhost:8000"]`, httpsOnly), []);
  });
});

describe("environment booleans and cookies", () => {
  it("warns when a boolean setting is read as a raw string", () => {
    const [f] = run("django-env-bool-uncast", `DEBUG = os.environ.get("DEBUG", False)`);
    assert.equal(f!.status, "warn");
    assert.match(f!.message, /'False' and '0' included/);
    assert.deepEqual(
      statuses("django-env-bool-uncast", `DEBUG = os.environ.get("DEBUG", "False").lower() == "true"`),
      [],
    );
  });

  it("fails DEBUG on by default from the environment, and reports unknown DEBUG as an error", () => {
    assert.deepEqual(statuses("django-debug", `DEBUG = os.environ.get("DEBUG", "1") == "1"`), ["fail"]);
    assert.deepEqual(statuses("django-debug", `DEBUG = os.environ.get("DEBUG", "0") == "1"`), []);
    assert.deepEqual(statuses("django-debug", `DEBUG = read_debug()`), ["error"]);
  });

  it("judges every branch of an if/else", () => {
    const source = `if os.getenv("LOCAL"):\n    SESSION_COOKIE_SECURE = False\nelse:\n    SESSION_COOKIE_SECURE = True`;
    assert.deepEqual(statuses("django-session-cookie-secure", source), ["fail"]);
  });

  it("fails SameSite=None without Secure", () => {
    assert.deepEqual(statuses("django-samesite-none-insecure", `SESSION_COOKIE_SAMESITE = "None"`), ["fail"]);
    assert.deepEqual(
      statuses(
        "django-samesite-none-insecure",
        `SESSION_COOKIE_SAMESITE = "None"\nSESSION_COOKIE_SECURE = True`,
      ),
      [],
    );
  });

  it("fails weak and development secret keys and warns about a committed strong one", () => {
    assert.deepEqual(statuses("django-secret-key", `SECRET_KEY = "short"`), ["fail"]);
    assert.deepEqual(statuses("django-secret-key", `SECRET_KEY = "django-insecure-${"x1y2z3".repeat(10)}"`), [
      "fail",
    ]);
    assert.deepEqual(statuses("django-secret-key", `SECRET_KEY = "${"a1b2c3d4e5".repeat(6)}"`), ["warn"]);
    assert.deepEqual(statuses("django-secret-key", `SECRET_KEY = os.environ["SECRET_KEY"]`), []);
  });
});

describe("HSTS, redirect and middleware", () => {
  it("separates missing, short and subdomain-less HSTS", () => {
    assert.deepEqual(statuses("django-hsts-missing", `SECURE_HSTS_SECONDS = 0`), ["warn"]);
    assert.deepEqual(statuses("django-hsts-short", `SECURE_HSTS_SECONDS = 300`), ["fail"]);
    assert.deepEqual(statuses("django-hsts-short", `SECURE_HSTS_SECONDS = 30 * 24 * 3600`), ["fail"]);
    assert.deepEqual(statuses("django-hsts-short", `SECURE_HSTS_SECONDS = 15768000`), ["warn"]);
    assert.deepEqual(statuses("django-hsts-short", `SECURE_HSTS_SECONDS = 31536000`), []);
    assert.deepEqual(statuses("django-hsts-subdomains", `SECURE_HSTS_SECONDS = 31536000`), ["warn"]);
    assert.deepEqual(statuses("django-hsts-subdomains", `SECURE_HSTS_SECONDS = 0`), []);
  });

  it("reads a numeric string in SECURE_HSTS_SECONDS as Django sends it: max-age=%s", () => {
    const fromEnv = `import os\nSECURE_HSTS_SECONDS = os.environ.get("SECURE_HSTS_SECONDS", "0")`;
    const [missing] = run("django-hsts-missing", fromEnv);
    assert.equal(missing?.status, "warn");
    assert.match(
      missing?.message ?? "",
      /Django sends Strict-Transport-Security: max-age=0, which tells browsers/,
    );
    assert.deepEqual(statuses("django-hsts-missing", `SECURE_HSTS_SECONDS = ""`), ["warn"]);
    assert.deepEqual(statuses("django-hsts-short", `SECURE_HSTS_SECONDS = "300"`), ["fail"]);
    assert.deepEqual(statuses("django-hsts-short", `SECURE_HSTS_SECONDS = "31536000"`), []);
  });

  it("judges SECURE_REDIRECT_EXEMPT patterns the way Django matches them", () => {
    const found = run(
      "django-redirect-exempt",
      `SECURE_REDIRECT_EXEMPT = [r"^/healthz$", r".*", r"healthz", r"^healthz$"]`,
    );
    assert.deepEqual(
      found.map((f) => f.status),
      ["fail", "fail", "warn"],
    );
    assert.match(found[0]!.message, /strips the leading slash/);
  });

  it("finds a pattern that matches every path however it is spelled, and only those", () => {
    for (const everything of [
      `^healthz$|.*`,
      `^.*?`,
      `^(healthz)?`,
      `^|healthz`,
      `^\\S*`,
      `(?i)^.*$`,
      `\\A`,
      // Every page but the home page.
      `^.+$`,
      `^.`,
      `.+`,
      `^[\\w./-]*$`,
    ]) {
      const found = run("django-redirect-exempt", `SECURE_REDIRECT_EXEMPT = [r"${everything}"]`);
      assert.deepEqual(
        found.map((f) => [f.status, /matches every path/.test(f.message)]),
        [["fail", true]],
        everything,
      );
    }
    for (const some of [
      `^$`,
      `^.$`,
      `^healthz$`,
      `^(?P<probe>healthz|readyz)/?$`,
      `^static/`,
      `(?i)^healthz$`,
      `\\Ahealthz\\Z`,
      // No possessive quantifier: a class holding + and an escaped +.
      `^health[*+]$`,
      `^v\\++$`,
    ]) {
      assert.deepEqual(statuses("django-redirect-exempt", `SECURE_REDIRECT_EXEMPT = [r"${some}"]`), [], some);
    }
    const [unread] = run("django-redirect-exempt", `SECURE_REDIRECT_EXEMPT = [r"(?x) ^ healthz $"]`);
    assert.equal(unread?.status, "error");
  });

  it("fails missing security and CSRF middleware but not an unreadable list", () => {
    assert.deepEqual(
      statuses("django-security-middleware", `MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]`),
      ["fail"],
    );
    assert.deepEqual(
      statuses("django-csrf-middleware", `MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]`),
      ["fail"],
    );
    assert.deepEqual(statuses("django-csrf-middleware", `MIDDLEWARE = [custom(), "x"]`), []);
  });

  it("warns when Django trusts X-Forwarded-Host or -Port", () => {
    assert.deepEqual(statuses("django-use-x-forwarded-host", `USE_X_FORWARDED_HOST = True`), ["warn"]);
    assert.deepEqual(statuses("django-use-x-forwarded-port", `USE_X_FORWARDED_PORT = True`), ["warn"]);
    assert.deepEqual(statuses("django-use-x-forwarded-host", `USE_X_FORWARDED_HOST = False`), []);
  });
});
