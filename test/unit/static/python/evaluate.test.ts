import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { evaluatePythonSource } from "../../../../src/static/python/evaluate.js";
import { djangoSettingsFromSource, loadDjangoSettings } from "../../../../src/static/python/load-settings.js";
import { describe as describeValue, repr } from "../../../../src/static/python/values.js";

function values(source: string, name: string): string[] {
  return djangoSettingsFromSource(source).values(name).map(repr);
}

function project(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), "proxytrust-py-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  return root;
}

describe("literals and operators", () => {
  it("evaluates literals, concatenation and augmented assignment", () => {
    const src = `A = ("a", 1, 2.5, None, True)
B = "x" "y" + 'z'
C = ["a"]
C += ["b"]
D = {"k": [1], 'j': r"\\d"}
E = -3 * 2
F = "ab" * 2`;
    assert.deepEqual(values(src, "A"), ["('a', 1, 2.5, None, True)"]);
    assert.deepEqual(values(src, "B"), ["'xyz'"]);
    assert.deepEqual(values(src, "C"), ["['a', 'b']"]);
    assert.deepEqual(values(src, "D"), ["{'k': [1], 'j': '\\\\d'}"]);
    assert.deepEqual(values(src, "E"), ["-6"]);
    assert.deepEqual(values(src, "F"), ["'abab'"]);
  });

  it("applies list and dict mutations in order", () => {
    const src = `M = ["b"]
M.append("c")
M.insert(0, "a")
M.extend(["d", "e"])
M.remove("d")
S = {"x": {"y": 1}}
S["x"]["y"] = 2
S.update({"z": 3})`;
    assert.deepEqual(values(src, "M"), ["['a', 'b', 'c', 'e']"]);
    assert.deepEqual(values(src, "S"), ["{'x': {'y': 2}, 'z': 3}"]);
  });

  it("filters comprehensions, and leaves the list unknown when the filter cannot be decided", () => {
    const src = `import os
MIDDLEWARE = ["a.Security", "django.middleware.csrf.CsrfViewMiddleware", "a.Auth"]
KEPT = [m for m in MIDDLEWARE if m != "django.middleware.csrf.CsrfViewMiddleware"]
UPPER = [m.upper() for m in ["a", "bb", "c"] if len(m) == 1]
NONE_KEPT = [m for m in MIDDLEWARE if m == "x"]
UNDECIDED = [m for m in MIDDLEWARE if os.environ.get(m)]`;
    assert.deepEqual(values(src, "KEPT"), ["['a.Security', 'a.Auth']"]);
    assert.deepEqual(values(src, "UPPER"), ["['A', 'C']"]);
    assert.deepEqual(values(src, "NONE_KEPT"), ["[]"]);
    assert.ok(
      values(src, "UNDECIDED").every((v) => !v.startsWith("[")),
      values(src, "UNDECIDED").join(),
    );
  });

  it("unpacks tuple assignments and chained targets", () => {
    const src = `A, B = 1, 2
C = D = "same"`;
    assert.deepEqual(values(src, "A"), ["1"]);
    assert.deepEqual(values(src, "B"), ["2"]);
    assert.deepEqual(values(src, "D"), ["'same'"]);
  });
});

describe("environment reads", () => {
  it("keeps the env name, the default and the cast through split()", () => {
    const s = djangoSettingsFromSource(
      `import os\nALLOWED_HOSTS = os.getenv("DJANGO_ALLOWED_HOSTS", "*").split(",")`,
    );
    const [value] = s.values("ALLOWED_HOSTS");
    assert.deepEqual(value, {
      kind: "env",
      env: "DJANGO_ALLOWED_HOSTS",
      cast: "list",
      default: { kind: "list", items: [{ kind: "str", value: "*" }] },
    });
    assert.equal(
      describeValue("ALLOWED_HOSTS", value!),
      "ALLOWED_HOSTS from $DJANGO_ALLOWED_HOSTS, default ['*']",
    );
  });

  it("marks a boolean read without a cast as a raw string", () => {
    assert.deepEqual(
      djangoSettingsFromSource(`import os\nDEBUG = os.environ.get("DEBUG", False)`).values("DEBUG"),
      [{ kind: "env", env: "DEBUG", cast: "none", default: { kind: "bool", value: false } }],
    );
  });

  it("turns string comparisons into booleans, default included", () => {
    const src = `import os
A = os.environ.get("A", "True").lower() == "true"
B = str(os.getenv("B")).lower() in ("1", "true")
C = int(os.environ.get("C", 30 * 24 * 3600))
D = os.environ["D"]
E = "E" in os.environ
F = [h.strip() for h in os.environ.get("F", "a, b").split(",")]
G = list(filter(None, os.environ.get("G", "").split(",")))`;
    assert.deepEqual(values(src, "A"), ["$A (default True)"]);
    assert.deepEqual(values(src, "B"), ["$B (default False)"]);
    assert.deepEqual(values(src, "C"), ["$C (default 2592000)"]);
    assert.deepEqual(values(src, "D"), ["$D"]);
    assert.deepEqual(values(src, "E"), ["$E (default False)"]);
    assert.deepEqual(values(src, "F"), ["$F (default ['a', 'b'])"]);
    assert.deepEqual(values(src, "G"), ["$G (default [])"]);
    assert.equal(djangoSettingsFromSource(src).get("A")?.values[0]?.kind === "env" && "ok", "ok");
  });

  it("reads django-environ schemas and typed getters", () => {
    const src = `import environ
env = environ.Env(DEBUG=(bool, False), HOSTS=(list, ["*"]))
DEBUG = env("DEBUG")
ALLOWED_HOSTS = env("HOSTS")
SECURE_SSL_REDIRECT = env.bool("SSL", default=True)
SECURE_HSTS_SECONDS = env.int("HSTS", default=60)
CSRF_TRUSTED_ORIGINS = env.list("ORIGINS", default=[])
SECRET_KEY = env("KEY", default="x")`;
    const s = djangoSettingsFromSource(src);
    assert.deepEqual(s.values("DEBUG"), [
      { kind: "env", env: "DEBUG", cast: "bool", default: { kind: "bool", value: false } },
    ]);
    assert.deepEqual(values(src, "ALLOWED_HOSTS"), ["$HOSTS (default ['*'])"]);
    assert.deepEqual(values(src, "SECURE_SSL_REDIRECT"), ["$SSL (default True)"]);
    assert.deepEqual(values(src, "SECURE_HSTS_SECONDS"), ["$HSTS (default 60)"]);
    assert.deepEqual(values(src, "CSRF_TRUSTED_ORIGINS"), ["$ORIGINS (default [])"]);
    assert.deepEqual(values(src, "SECRET_KEY"), ["$KEY (default 'x')"]);
  });

  it("keeps a django-environ default as written: no cast unless parse_default=True", async () => {
    const src = `import environ
env = environ.Env(SSL=(bool, "False"))
DEBUG = env.bool("DEBUG", default="False")
SECURE_SSL_REDIRECT = env("SSL")
SECURE_HSTS_SECONDS = env.int("HSTS", default="0")
USE_X_FORWARDED_HOST = env("XFH", cast=bool, default="False", parse_default=True)`;
    assert.deepEqual(values(src, "DEBUG"), ["$DEBUG (default 'False')"]);
    assert.deepEqual(values(src, "SECURE_SSL_REDIRECT"), ["$SSL (default 'False')"]);
    assert.deepEqual(values(src, "SECURE_HSTS_SECONDS"), ["$HSTS (default '0')"]);
    assert.deepEqual(values(src, "USE_X_FORWARDED_HOST"), ["$XFH (default False)"]);
    // A deployed value equal to the default is not parsed either (value != default), any other is.
    const file = path.join(project({ "settings.py": src }), "settings.py");
    const deployed = await loadDjangoSettings(
      file,
      new Map([
        ["DEBUG", "False"],
        ["SSL", "no"],
      ]),
    );
    assert.deepEqual(deployed.values("DEBUG").map(repr), ["'False'"]);
    assert.deepEqual(deployed.values("SECURE_SSL_REDIRECT").map(repr), ["False"]);
  });

  it("casts python-decouple defaults with Csv(), as decouple does", async () => {
    const src = `from decouple import config, Csv
ALLOWED_HOSTS = config("HOSTS", default="a.example, b.example,,c.example", cast=Csv())
CSRF_TRUSTED_ORIGINS = config("ORIGINS", default="https://a.example", cast=Csv(post_process=tuple))
INTERNAL_IPS = config("IPS", default="10.0.0.1;10.0.0.2", cast=Csv(delimiter=";"))`;
    assert.deepEqual(values(src, "ALLOWED_HOSTS"), [
      "$HOSTS (default ['a.example', 'b.example', 'c.example'])",
    ]);
    assert.deepEqual(values(src, "CSRF_TRUSTED_ORIGINS"), ["$ORIGINS (default ['https://a.example'])"]);
    // A delimiter or item cast of its own is not modelled: unknown, never the raw string.
    assert.equal(djangoSettingsFromSource(src).values("INTERNAL_IPS")[0]?.kind, "unknown");
    const file = path.join(project({ "settings.py": src }), "settings.py");
    const deployed = await loadDjangoSettings(file, new Map([["HOSTS", "x.example , y.example"]]));
    assert.deepEqual(deployed.values("ALLOWED_HOSTS").map(repr), ["['x.example', 'y.example']"]);
  });

  it("recognises env helper functions and strtobool-style converters by name", () => {
    const src = `import os
def envbool(name, default):
    return os.getenv(name, default).lower() in ("yes", "true")
def strtobool(v):
    return v.lower() in ("y", "yes", "true", "1")
DEBUG = envbool("DEBUG", "True")
SESSION_COOKIE_SECURE = bool(strtobool(os.environ.get("SECURE") or "False"))`;
    assert.deepEqual(values(src, "DEBUG"), ["$DEBUG (default True)"]);
    assert.deepEqual(values(src, "SESSION_COOKIE_SECURE"), ["$SECURE (default False)"]);
  });
});

describe("the module namespace handed to other code", () => {
  it("applies django_heroku.settings(locals()): ALLOWED_HOSTS ['*'] and WhiteNoise first unless turned off", () => {
    const src = `import django_heroku
ALLOWED_HOSTS = ["app.example.com"]
SECRET_KEY = "committed"
MIDDLEWARE = ["django.middleware.security.SecurityMiddleware"]
django_heroku.settings(locals())`;
    const s = djangoSettingsFromSource(src);
    assert.deepEqual(s.values("ALLOWED_HOSTS").map(repr), ["['*']"]);
    assert.deepEqual(s.values("SECRET_KEY").map(repr), ["$SECRET_KEY (default 'committed')"]);
    assert.deepEqual(s.values("MIDDLEWARE").map(repr), [
      "('whitenoise.middleware.WhiteNoiseMiddleware', 'django.middleware.security.SecurityMiddleware')",
    ]);
    assert.deepEqual(s.diagnostics, []);
    const off = `${src.slice(0, src.lastIndexOf("\n"))}\ndjango_heroku.settings(locals(), allowed_hosts=False)`;
    assert.deepEqual(values(off, "ALLOWED_HOSTS"), ["['app.example.com']"]);
  });

  it("makes every setting unknown, with an error, when code not read gets locals() or globals()", () => {
    const s = djangoSettingsFromSource(`import herokuish
ALLOWED_HOSTS = ["app.example.com"]
print(globals())
herokuish.configure(locals())`);
    assert.deepEqual(
      s.values("ALLOWED_HOSTS").map((v) => v.kind),
      ["list", "unknown"],
    );
    assert.deepEqual(
      s.diagnostics.map((d) => [d.severity, d.line, d.message]),
      [
        [
          "error",
          4,
          "herokuish.configure(locals()) hands the module namespace to code not read: any setting may differ from what the file says",
        ],
      ],
    );
  });
});

describe("control flow", () => {
  it("keeps every branch of an if/elif/else and 'unset' when no else", () => {
    const src = `import os
if os.environ.get("MODE") == "prod":
    DEBUG = False
elif os.environ.get("MODE") == "dev":
    DEBUG = True
if os.getenv("PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")`;
    const s = djangoSettingsFromSource(src);
    assert.deepEqual(s.get("DEBUG")!.values.map(repr), ["False", "True", "<not set>"]);
    // an unset path means Django's default
    assert.deepEqual(s.values("SECURE_PROXY_SSL_HEADER").map(repr), [
      "('HTTP_X_FORWARDED_PROTO', 'https')",
      "None",
    ]);
  });

  it("follows only the branch a known condition selects", () => {
    const src = `DEBUG = False
if DEBUG:
    ALLOWED_HOSTS = ["*"]
else:
    ALLOWED_HOSTS = ["example.com"]`;
    assert.deepEqual(values(src, "ALLOWED_HOSTS"), ["['example.com']"]);
  });

  it("drops branches that raise, and a raise when the variable is unset makes it required", () => {
    const src = `import os
SECRET_KEY = os.environ.get("KEY", "")
if not SECRET_KEY:
    raise Exception("set KEY")
    SECRET_KEY = "never"`;
    assert.deepEqual(values(src, "SECRET_KEY"), ["$KEY"]);
  });

  it("drops an env default inside a branch that runs only when the variable is set", () => {
    const src = `import os
origins = os.getenv("ORIGINS", "")
if origins:
    CSRF_TRUSTED_ORIGINS = origins.split(",")`;
    assert.deepEqual(djangoSettingsFromSource(src).get("CSRF_TRUSTED_ORIGINS")!.values.map(repr), [
      "$ORIGINS",
      "<not set>",
    ]);
  });

  it("treats a missing import in try/except ImportError as optional", () => {
    const s = djangoSettingsFromSource(
      `DEBUG = False\ntry:\n    from .local_settings import *\nexcept ImportError:\n    pass`,
    );
    assert.deepEqual(s.values("DEBUG").map(repr), ["False"]);
    assert.equal(s.unresolvedImports.length, 0);
    assert.match(s.diagnostics[0]!.message, /optional import \.local_settings not found/);
  });
});

describe("imports", () => {
  it("layers from .base import * under later assignments and mutations", async () => {
    const root = project({
      "proj/settings/__init__.py": "",
      "proj/settings/base.py": `DEBUG = True\nMIDDLEWARE = ["a"]\nALLOWED_HOSTS = []\n_PRIVATE = 1`,
      "proj/settings/prod.py": `from .base import *\nDEBUG = False\nMIDDLEWARE.append("b")`,
      "proj/settings/abs.py": `from proj.settings.base import *\nALLOWED_HOSTS = ["x"]`,
    });
    const prod = await loadDjangoSettings(path.join(root, "proj/settings/prod.py"));
    assert.deepEqual(prod.values("DEBUG").map(repr), ["False"]);
    assert.deepEqual(prod.values("MIDDLEWARE").map(repr), ["['a', 'b']"]);
    assert.deepEqual(
      prod.files.map((f) => path.basename(f)),
      ["prod.py", "base.py"],
    );
    const abs = await loadDjangoSettings(path.join(root, "proj/settings/abs.py"));
    assert.deepEqual(abs.values("DEBUG").map(repr), ["True"]);
    assert.deepEqual(abs.values("ALLOWED_HOSTS").map(repr), ["['x']"]);
  });

  it("makes absent settings unknown when a star import cannot be resolved", () => {
    const s = djangoSettingsFromSource(`from .missing import *\nDEBUG = False`);
    assert.equal(s.unresolvedImports.length, 1);
    assert.equal(s.values("ALLOWED_HOSTS")[0]!.kind, "unknown");
    assert.deepEqual(s.values("DEBUG").map(repr), ["False"]);
  });

  it("makes a name imported from a module that cannot be read unknown, naming the module and line, never Django's default", async () => {
    const root = project({
      "config/settings/production.py": `from .base import MIDDLEWARE
from config.common import SECURE_PROXY_SSL_HEADER, ALLOWED_HOSTS as HOSTS
ALLOWED_HOSTS = HOSTS + ["app.example.com"]
DEBUG = False`,
    });
    const file = path.join(root, "config/settings/production.py");
    const s = await loadDjangoSettings(file);
    const [middleware] = s.values("MIDDLEWARE");
    assert.equal(middleware?.kind, "unknown");
    assert.match(repr(middleware!), /\.base.*production\.py:1/);
    const [header] = s.values("SECURE_PROXY_SSL_HEADER");
    assert.equal(header?.kind, "unknown");
    assert.match(repr(header!), /config\.common.*production\.py:2/);
    assert.deepEqual(
      s.values("ALLOWED_HOSTS").map((v) => v.kind),
      ["unknown"],
    );
    assert.deepEqual(s.values("DEBUG").map(repr), ["False"]);
  });

  it("reads a name imported from a module it reads as that module's value, and one the module lacks as unknown", async () => {
    const root = project({
      "proj/settings/__init__.py": "",
      "proj/settings/common.py": `MIDDLEWARE = ["django.middleware.security.SecurityMiddleware"]`,
      "proj/settings/base.py": `from .common import *\nfrom .secrets import *\nSECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")`,
      "proj/settings/prod.py": `from .base import MIDDLEWARE, SECURE_PROXY_SSL_HEADER, ALLOWED_HOSTS`,
      "proj/settings/plain.py": `from .common import MIDDLEWARE, ALLOWED_HOSTS`,
    });
    const prod = await loadDjangoSettings(path.join(root, "proj/settings/prod.py"));
    assert.deepEqual(prod.values("MIDDLEWARE").map(repr), [
      "['django.middleware.security.SecurityMiddleware']",
    ]);
    assert.deepEqual(prod.values("SECURE_PROXY_SSL_HEADER").map(repr), [
      "('HTTP_X_FORWARDED_PROTO', 'https')",
    ]);
    // base.py may get ALLOWED_HOSTS from the star import it cannot resolve
    assert.match(repr(prod.values("ALLOWED_HOSTS")[0]!), /unresolved import at .*base\.py:2/);
    // common.py is read and has no ALLOWED_HOSTS: the import fails in Python, so nothing is known
    const plain = await loadDjangoSettings(path.join(root, "proj/settings/plain.py"));
    assert.deepEqual(plain.values("MIDDLEWARE").map(repr), [
      "['django.middleware.security.SecurityMiddleware']",
    ]);
    assert.match(repr(plain.values("ALLOWED_HOSTS")[0]!), /common\.py does not define ALLOWED_HOSTS/);
  });

  it("reads settings through module objects: from . import base, import pkg.mod as alias", async () => {
    const root = project({
      "proj/__init__.py": "",
      "proj/settings/__init__.py": "",
      "proj/settings/base.py": `import os
MIDDLEWARE = ["django.middleware.security.SecurityMiddleware"]
DEBUG = True
def env_list(name, default):
    return os.environ.get(name, default).split(",")`,
      "proj/settings/prod.py": `from . import base
import proj.settings.base as common
import proj.settings
import missing_settings as other
MIDDLEWARE = base.MIDDLEWARE + ["whitenoise.middleware.WhiteNoiseMiddleware"]
DEBUG = common.DEBUG
ALLOWED_HOSTS = proj.settings.base.DEBUG and ["*"]
SECURE_PROXY_SSL_HEADER = other.SECURE_PROXY_SSL_HEADER
SECURE_SSL_REDIRECT = base.SECURE_SSL_REDIRECT
CSRF_TRUSTED_ORIGINS = base.env_list("ORIGINS", "https://app.example.com")`,
    });
    const s = await loadDjangoSettings(path.join(root, "proj/settings/prod.py"));
    assert.deepEqual(s.values("MIDDLEWARE").map(repr), [
      "['django.middleware.security.SecurityMiddleware', 'whitenoise.middleware.WhiteNoiseMiddleware']",
    ]);
    assert.deepEqual(s.values("DEBUG").map(repr), ["True"]);
    assert.deepEqual(s.values("ALLOWED_HOSTS").map(repr), ["['*']"]);
    assert.match(repr(s.values("SECURE_PROXY_SSL_HEADER")[0]!), /missing_settings.*prod\.py:4/);
    assert.match(repr(s.values("SECURE_SSL_REDIRECT")[0]!), /base\.py does not define SECURE_SSL_REDIRECT/);
    assert.deepEqual(s.values("CSRF_TRUSTED_ORIGINS").map(repr), [
      "$ORIGINS (default ['https://app.example.com'])",
    ]);
  });

  it("reports an import cycle instead of looping", async () => {
    const root = project({ "a.py": "from .b import *\nX = 1", "b.py": "from .a import *\nY = 2" });
    const s = await loadDjangoSettings(path.join(root, "a.py"));
    assert.ok(s.diagnostics.some((d) => /import cycle/.test(d.message)));
    assert.deepEqual(s.values("Y").map(repr), ["2"]);
  });

  it("evaluates split_settings include() in the including namespace", async () => {
    const root = project({
      "settings.py": `from split_settings.tools import include, optional\ninclude("dist.py", optional("local.py"))`,
      "dist.py": `DEBUG = True`,
    });
    const s = await loadDjangoSettings(path.join(root, "settings.py"));
    assert.deepEqual(s.values("DEBUG").map(repr), ["True"]);
    assert.ok(s.diagnostics.some((d) => /optional include local\.py/.test(d.message)));
  });
});

describe("bad input", () => {
  it("reports syntax errors with their line and still evaluates the rest", () => {
    const s = djangoSettingsFromSource(`DEBUG = False\n{% if x %}\nALLOWED_HOSTS = ["a"]\n{% endif %}`);
    assert.deepEqual(s.values("ALLOWED_HOSTS").map(repr), ["['a']"]);
    const error = s.diagnostics.find((d) => d.severity === "error");
    assert.equal(error?.line, 2);
    assert.match(error!.message, /Jinja/);
  });

  it("says why a file cannot be read", async () => {
    const root = project({ "bin.py": "\0\0\0" });
    const binary = await loadDjangoSettings(path.join(root, "bin.py"));
    assert.match(binary.diagnostics[0]!.message, /binary/);
    const missing = await loadDjangoSettings(path.join(root, "nope.py"));
    assert.match(missing.diagnostics[0]!.message, /cannot read \(no such file\)/);
  });

  it("refuses a file over the size limit with a clear error", async () => {
    const root = project({ "huge.py": `X = "${"a".repeat(6 * 1024 * 1024)}"` });
    const s = await loadDjangoSettings(path.join(root, "huge.py"));
    assert.match(s.diagnostics[0]!.message, /over the 5 MB limit/);
    assert.equal(s.get("X"), undefined);
  });

  it("caps values that double in size instead of running out of memory", () => {
    const lines = ['S = "ab"', ...Array.from({ length: 60 }, () => "S = S + S")];
    const module = evaluatePythonSource(lines.join("\n"), "big.py");
    assert.equal(module.bindings.get("S")?.values[0]?.kind, "unknown");
  });

  it("reports class-based settings as unsupported and their values as unknown", () => {
    const s = djangoSettingsFromSource(`class Base(Settings):\n    DEBUG = True\n    ALLOWED_HOSTS = ["*"]`);
    assert.equal(s.values("ALLOWED_HOSTS")[0]!.kind, "unknown");
    assert.ok(s.diagnostics.some((d) => /class-based settings \(class Base\)/.test(d.message)));
  });
});

describe("writes to the module's namespace other than by assignment", () => {
  it("binds a setting written by name through globals(), vars(), update() or setattr on the module", () => {
    for (const write of [
      `globals()["DEBUG"] = True`,
      `vars()["DEBUG"] = True`,
      `globals().update({"DEBUG": True})`,
      `globals().update(DEBUG=True)`,
      `import sys\nsetattr(sys.modules[__name__], "DEBUG", True)`,
    ])
      assert.deepEqual(values(`DEBUG = False\n${write}\n`, "DEBUG"), ["True"], write);
  });

  it("a setting a called function declares global is unknown after the call, not its old value", () => {
    const [value] = djangoSettingsFromSource(
      `DEBUG = False\ndef enable():\n    global DEBUG\n    DEBUG = True\nenable()\n`,
    ).values("DEBUG");
    assert.deepEqual(value, { kind: "unknown", reason: "set by enable() through `global DEBUG`" });
  });

  it("a write whose name is not known, or exec(), is a located error: any setting may differ", () => {
    for (const [write, line, message] of [
      [
        `for name in ["DEBUG"]:\n    globals()[name] = True`,
        3,
        /globals\(\)\[name\] = … names a setting not known/,
      ],
      [`globals().update(os.environ)`, 2, /globals\(\)\.update\(\) with names not known statically/],
      [`exec("DEBUG = True")`, 2, /exec\(\) may set any setting/],
    ] as const) {
      const s = djangoSettingsFromSource(`import os\n${write}\n`);
      const found = s.diagnostics.find((d) => message.test(d.message));
      assert.ok(found, `${write}: ${s.diagnostics.map((d) => d.message).join("; ")}`);
      assert.equal(found.severity, "error");
      assert.equal(found.line, line);
    }
  });
});

describe("f-strings", () => {
  it("are the string they make when every replacement is a plain expression of known value", () => {
    const source = [
      "import os",
      'HOST = "shop.example.com"',
      "PORT = 8000",
      'A = f"{HOST}:{PORT}"',
      "B = f'https://{HOST}/{{x}}\\n'",
      'C = rf"\\d{HOST}"',
      'D = f"""{HOST}"""',
      'E = f"{HOST!r}"',
      'F = f"{PORT:>6}"',
      "G = f\"{os.environ['X']}\"",
    ].join("\n");
    const s = djangoSettingsFromSource(source);
    const shown = (name: string) => s.values(name).map(repr);
    assert.deepEqual(shown("A"), ["'shop.example.com:8000'"]);
    assert.deepEqual(shown("B"), ["'https://shop.example.com/{x}\\n'"]);
    assert.deepEqual(shown("C"), ["'\\\\dshop.example.com'"]);
    assert.deepEqual(shown("D"), ["'shop.example.com'"]);
    for (const name of ["E", "F", "G"]) assert.equal(s.values(name)[0]?.kind, "unknown", name);
  });
});
