/**
 * audit --python's conversion: hand-written settings dumps (as python/proxytrust_settings_dump.py
 * prints them) become the same settings model the static evaluator builds, and the rules judge
 * them the same way.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { applyRules } from "../../../../src/static/audit.js";
import { djangoSettingsFromSource } from "../../../../src/static/python/load-settings.js";
import {
  decodeValue,
  moduleOfSettingsFile,
  RUNTIME_SETTING_NAMES,
  RuntimeSettingsError,
  settingsFromDump,
  type DumpedSetting,
  type SettingsDump,
} from "../../../../src/static/python/runtime-settings.js";
import type { DjangoSettings } from "../../../../src/static/python/settings-model.js";
import { ALL_RULES } from "../../../../src/static/rules/index.js";

const FILE = "/srv/shop/shop/settings/production.py";
const set = (value: DumpedSetting["value"], line?: number): DumpedSetting => ({
  overridden: true,
  value,
  ...(line ? { line } : {}),
});
const STRONG_KEY: DumpedSetting = {
  overridden: true,
  redacted: { length: 64, distinct: 40, developmentPrefix: false },
};

/** What Django 4.2 returns for the settings the dump asks for, when the module sets none of them. */
const DJANGO_42_DEFAULTS: Record<string, DumpedSetting> = {
  DEBUG: { overridden: false, value: false },
  ALLOWED_HOSTS: { overridden: false, value: { list: [] } },
  MIDDLEWARE: { overridden: false, value: { list: [] } },
  SECURE_PROXY_SSL_HEADER: { overridden: false, value: null },
  SECURE_SSL_REDIRECT: { overridden: false, value: false },
  SECURE_HSTS_SECONDS: { overridden: false, value: 0 },
  SECURE_HSTS_PRELOAD: { overridden: false, value: false },
  SESSION_COOKIE_SECURE: { overridden: false, value: false },
  CSRF_COOKIE_SECURE: { overridden: false, value: false },
};

function dump(settings: Record<string, DumpedSetting>): SettingsDump {
  return {
    module: "shop.settings.production",
    file: FILE,
    django: "4.2.21",
    settings: { ...DJANGO_42_DEFAULTS, ...settings },
  };
}

function findings(settings: DjangoSettings): string[] {
  return applyRules({ settings }, ALL_RULES)
    .map((c) => `${c.status} ${c.id}`)
    .sort();
}

const PRODUCTION_SOURCE = `
import os
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
ALLOWED_HOSTS = ["*"]
MIDDLEWARE = ["django.middleware.csrf.CsrfViewMiddleware"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = True
SECURE_SSL_REDIRECT = True
SESSION_COOKIE_SECURE = True
`;

const PRODUCTION_DUMP = dump({
  SECRET_KEY: STRONG_KEY,
  ALLOWED_HOSTS: set({ list: ["*"] }, 4),
  MIDDLEWARE: set({ list: ["django.middleware.csrf.CsrfViewMiddleware"] }, 5),
  SECURE_PROXY_SSL_HEADER: set({ tuple: ["HTTP_X_FORWARDED_PROTO", "https"] }, 6),
  USE_X_FORWARDED_HOST: set(true, 7),
  SECURE_SSL_REDIRECT: set(true, 8),
  SESSION_COOKIE_SECURE: set(true, 9),
});

describe("settings from a dump", () => {
  it("gives the rules the findings the static evaluation of the same module gives", () => {
    const fromDump = findings(settingsFromDump(PRODUCTION_DUMP));
    assert.ok(fromDump.includes("fail django-allowed-hosts-wildcard"), fromDump.join("\n"));
    assert.ok(fromDump.includes("fail django-security-middleware"), fromDump.join("\n"));
    assert.deepEqual(fromDump, findings(djangoSettingsFromSource(PRODUCTION_SOURCE, FILE)));
  });

  it("points at the assignment's line in the settings module, else at its first line", () => {
    const settings = settingsFromDump(PRODUCTION_DUMP);
    assert.deepEqual(settings.locate("ALLOWED_HOSTS"), { file: FILE, line: 4 });
    assert.deepEqual(settings.locate("SECRET_KEY"), { file: FILE, line: 1 });
    assert.deepEqual(settings.locate("SECURE_HSTS_SECONDS"), { file: FILE, line: 1 });
  });

  it("says a setting the module leaves alone is Django's default, not something it wrote", () => {
    const checks = applyRules({ settings: settingsFromDump(PRODUCTION_DUMP) }, ALL_RULES);
    const hsts = checks.find((c) => c.id === "django-hsts-missing");
    assert.match(hsts?.summary ?? "", /SECURE_HSTS_SECONDS \(not set; Django's default is 0\)/);
    const settings = settingsFromDump(PRODUCTION_DUMP);
    assert.equal(settings.get("SECURE_HSTS_SECONDS"), undefined);
    assert.deepEqual(settings.values("SECURE_HSTS_SECONDS"), [{ kind: "int", value: 0 }]);
  });

  it("reports a setting missing from the dump as unknown, never as a default it did not see", () => {
    const [value] = settingsFromDump(dump({})).values("SECURE_SSL_HOST");
    assert.equal(value?.kind, "unknown");
  });
});

describe("a withheld SECRET_KEY", () => {
  const secretFindings = (redacted: DumpedSetting["redacted"]) =>
    applyRules(
      { settings: settingsFromDump(dump({ SECRET_KEY: { overridden: true, redacted } })) },
      ALL_RULES,
    )
      .filter((c) => c.id === "django-secret-key")
      .map((c) => `${c.status}: ${c.summary}`);

  it("fails when its length or distinct characters are below Django's minimum", () => {
    const [short] = secretFindings({ length: 12, distinct: 9, developmentPrefix: false });
    assert.match(short ?? "", /^fail: .*12 characters, 9 distinct/);
    const [simple] = secretFindings({ length: 60, distinct: 2, developmentPrefix: false });
    assert.match(simple ?? "", /^fail: .*60 characters, 2 distinct/);
  });

  it("fails on startproject's development key and on None", () => {
    assert.match(
      secretFindings({ length: 66, distinct: 40, developmentPrefix: true })[0] ?? "",
      /startproject/,
    );
    assert.match(secretFindings({ none: true })[0] ?? "", /^fail: .*no key at all/);
  });

  it("passes a strong key, and has no verdict on where it was written (only the file can tell)", () => {
    assert.deepEqual(secretFindings(STRONG_KEY.redacted), []);
  });

  it("is unknown to every other rule, with the reason", () => {
    const [value] = settingsFromDump(dump({ SECRET_KEY: STRONG_KEY })).values("SECRET_KEY");
    assert.equal(value?.kind, "unknown");
    assert.match(value?.kind === "unknown" ? value.reason : "", /withheld/);
  });
});

describe("decoding dumped values", () => {
  it("keeps tuples, floats and dicts apart and reads sets as lists", () => {
    assert.deepEqual(decodeValue({ tuple: ["HTTP_X_FORWARDED_PROTO", "https"] }), {
      kind: "tuple",
      items: [
        { kind: "str", value: "HTTP_X_FORWARDED_PROTO" },
        { kind: "str", value: "https" },
      ],
    });
    assert.deepEqual(decodeValue({ float: 1 }), { kind: "float", value: 1 });
    assert.deepEqual(decodeValue(1), { kind: "int", value: 1 });
    assert.deepEqual(decodeValue({ set: ["a"] }), { kind: "list", items: [{ kind: "str", value: "a" }] });
    assert.deepEqual(decodeValue({ dict: [["k", null]] }), {
      kind: "dict",
      entries: [{ key: { kind: "str", value: "k" }, value: { kind: "none" } }],
    });
  });

  it("makes objects it cannot judge, and anything malformed, unknown", () => {
    assert.equal(decodeValue({ other: "__proxy__ object" }).kind, "unknown");
    assert.equal(decodeValue([1, 2]).kind, "unknown");
    assert.equal(decodeValue({ nonsense: true }).kind, "unknown");
  });
});

describe("the settings the dump asks for", () => {
  const RULES_DIR = fileURLToPath(new URL("../../../../src/static/rules/", import.meta.url));
  /** Upper-case strings in the rules that are values or header names, not settings. */
  const NOT_SETTINGS = new Set(["DENY", "HTTPS", "HTTP_", "HTTP_X_FORWARDED_PROTO"]);

  function sources(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? sources(path) : [readFileSync(path, "utf8")];
    });
  }

  it("include every setting a rule reads", () => {
    const named = new Set(
      sources(RULES_DIR).flatMap((text) => [...text.matchAll(/"([A-Z][A-Z0-9_]+)"/g)].map((m) => m[1]!)),
    );
    const missing = [...named].filter(
      (name) => !NOT_SETTINGS.has(name) && !RUNTIME_SETTING_NAMES.includes(name),
    );
    assert.deepEqual(missing, []);
    assert.ok(RUNTIME_SETTING_NAMES.includes("SECURE_SSL_HOST"));
  });

  it("never include the databases or caches", () => {
    assert.ok(!RUNTIME_SETTING_NAMES.includes("DATABASES"));
    assert.ok(!RUNTIME_SETTING_NAMES.includes("CACHES"));
  });
});

describe("the module a settings file is imported as", () => {
  const project = mkdtempSync(join(tmpdir(), "proxytrust-module-"));
  const settingsDir = join(project, "shop", "settings");
  mkdirSync(settingsDir, { recursive: true });
  for (const file of ["shop/__init__.py", "shop/settings/__init__.py", "shop/settings/production.py"])
    writeFileSync(join(project, file), "");
  mkdirSync(join(project, "not-a-package"));
  writeFileSync(join(project, "not-a-package", "settings.py"), "");

  it("is found by walking up the packages", () => {
    assert.deepEqual(moduleOfSettingsFile(join(settingsDir, "production.py")), {
      module: "shop.settings.production",
      projectDir: project,
    });
    assert.deepEqual(moduleOfSettingsFile(join(settingsDir, "__init__.py")), {
      module: "shop.settings",
      projectDir: project,
    });
  });

  it("is relative to an explicit project directory", () => {
    assert.equal(
      moduleOfSettingsFile(join(settingsDir, "production.py"), join(project, "shop")).module,
      "settings.production",
    );
  });

  it("is refused outside the project directory, for a missing file, or for a name Python cannot import", () => {
    assert.throws(
      () => moduleOfSettingsFile(join(settingsDir, "production.py"), join(project, "not-a-package")),
      RuntimeSettingsError,
    );
    assert.throws(() => moduleOfSettingsFile(join(settingsDir, "staging.py")), RuntimeSettingsError);
    assert.throws(
      () => moduleOfSettingsFile(join(project, "not-a-package", "settings.py"), project),
      /not a module name/,
    );
  });
});
