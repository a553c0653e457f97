/**
 * audit --python on the stacks' real Django project with Debian's python3 (Django 4.2): it must judge
 * each deployment's settings as the static evaluation of the same files does, follow the env file,
 * never print a secret, and turn a project that cannot be imported into one line and exit 3.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, test } from "node:test";
import { DJANGO_DIR } from "../../stacks/django.js";
import { runCli, type CliResult, type JsonCheck } from "./run-cli.js";

const PYTHON = "/usr/bin/python3";
const MODULES = ["healthy", "healthy_wsgi_scheme", "passthrough", "loop", "hostrewrite"];

const work = mkdtempSync(join(tmpdir(), "proxytrust-audit-python-"));
after(() => rmSync(work, { recursive: true, force: true }));
const secretKey = randomBytes(32).toString("hex");

/** An env file with what shop/settings/base.py reads from the environment, and `extra` lines. */
function envFile(name: string, key: string, extra: string[] = []): string {
  const file = join(work, name);
  writeFileSync(file, [`DJANGO_SECRET_KEY="${key}"`, `SHOP_DATA_DIR=${work}`, ...extra].join("\n") + "\n");
  return file;
}

const ENV = envFile("production.env", secretKey);

function importArgs(module: string, env: string, ...more: string[]): string[] {
  return [
    "audit",
    "--python",
    PYTHON,
    "--settings-module",
    module,
    "--project-dir",
    DJANGO_DIR,
    "--python-env-file",
    env,
    ...more,
  ];
}

/** "status rule-id" of every finding, sorted, after checking the audit ran. */
function verdicts(result: CliResult, what: string): string[] {
  assert.ok([0, 1].includes(result.code ?? -1), `${what} exited ${result.code}: ${result.stderr}`);
  const { checks } = JSON.parse(result.stdout) as { checks: JsonCheck[] };
  return checks.map((c) => `${c.status} ${c.id}`).sort();
}

function assertOneLine(result: CliResult, pattern: RegExp): void {
  assert.equal(result.code, 3, result.stderr);
  assert.equal(result.stdout, "");
  assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
  assert.match(result.stderr, pattern);
}

describe("audit --python agrees with the static audit on the stacks' settings", () => {
  for (const name of MODULES) {
    test(`shop.settings.${name}`, async () => {
      const [imported, read] = await Promise.all([
        runCli(importArgs(`shop.settings.${name}`, ENV, "--format", "json")),
        runCli([
          "audit",
          "--settings",
          join(DJANGO_DIR, "shop", "settings", `${name}.py`),
          "--format",
          "json",
        ]),
      ]);
      const fromPython = verdicts(imported, "--python");
      assert.deepEqual(fromPython, verdicts(read, "--settings"));
      assert.equal(imported.code, read.code);
      if (name === "passthrough") assert.ok(fromPython.includes("fail django-allowed-hosts-wildcard"));
    });
  }

  test("--settings FILE names the module to import, found above the file's packages", async () => {
    const file = join(DJANGO_DIR, "shop", "settings", "passthrough.py");
    const [byFile, byModule] = await Promise.all([
      runCli(["audit", "--python", PYTHON, "--settings", file, "--python-env-file", ENV, "--format", "json"]),
      runCli(importArgs("shop.settings.passthrough", ENV, "--format", "json")),
    ]);
    assert.deepEqual(verdicts(byFile, "--settings FILE"), verdicts(byModule, "--settings-module"));
  });
});

describe("audit --python", () => {
  test("follows the env file: DJANGO_ALLOWED_HOSTS=* makes hostrewrite accept any host", async () => {
    const wildcard = envFile("wildcard.env", secretKey, ["DJANGO_ALLOWED_HOSTS=app.test,*  # anything"]);
    const [plain, opened] = await Promise.all([
      runCli(importArgs("shop.settings.hostrewrite", ENV, "--format", "json")),
      runCli(importArgs("shop.settings.hostrewrite", wildcard, "--format", "json")),
    ]);
    assert.ok(!verdicts(plain, "without").includes("fail django-allowed-hosts-wildcard"));
    assert.ok(verdicts(opened, "with DJANGO_ALLOWED_HOSTS").includes("fail django-allowed-hosts-wildcard"));
    assert.equal(opened.code, 1);
  });

  test("judges a weak SECRET_KEY by its shape and never prints it, in any format", async () => {
    const weakKey = `weak-${randomBytes(6).toString("hex")}`;
    const weak = envFile("weak.env", weakKey);
    const [json, text] = await Promise.all([
      runCli(importArgs("shop.settings.healthy", weak, "--format", "json", "--verbose")),
      runCli(importArgs("shop.settings.healthy", weak, "--verbose")),
    ]);
    const { checks } = JSON.parse(json.stdout) as { checks: JsonCheck[] };
    const secret = checks.find((c) => c.id === "django-secret-key");
    assert.equal(secret?.status, "fail");
    assert.match(secret?.summary ?? "", new RegExp(`${weakKey.length} characters`));
    for (const output of [json.stdout, json.stderr, text.stdout, text.stderr]) {
      assert.ok(!output.includes(weakKey), "the weak key is printed");
      assert.ok(!output.includes(secretKey), "the production key is printed");
    }
  });

  test("says in the report header and in --help that it runs the project's code", async () => {
    const [report, help] = await Promise.all([
      runCli(importArgs("shop.settings.healthy", ENV)),
      runCli(["audit", "--help"]),
    ]);
    assert.match(report.stdout.split("\n")[0] ?? "", /--python runs the project's code/);
    assert.match(
      help.stdout.replace(/\s+/g, " "),
      /--python imports your settings module: it runs your project's code/,
    );
  });

  test("keeps what the settings module prints out of the report", async () => {
    const project = fakeProject({
      "noisy.py": 'print("loading settings")\nDEBUG = True\nALLOWED_HOSTS = ["app.test"]\n',
    });
    const result = await runCli([
      "audit",
      "--python",
      PYTHON,
      "--settings-module",
      "site_conf.noisy",
      "--project-dir",
      project,
      "--format",
      "json",
    ]);
    assert.ok(verdicts(result, "noisy").includes("fail django-debug"));
  });
});

/** A project directory holding the package site_conf with these modules. */
function fakeProject(modules: Record<string, string>): string {
  const project = mkdtempSync(join(work, "project-"));
  mkdirSync(join(project, "site_conf"));
  writeFileSync(join(project, "site_conf", "__init__.py"), "");
  for (const [file, source] of Object.entries(modules))
    writeFileSync(join(project, "site_conf", file), source);
  return project;
}

describe("audit --python on a project that cannot be imported: one line, exit 3", () => {
  const project = fakeProject({
    "missing_dependency.py": "import environ\n",
    "syntax_error.py": "DEBUG = (\n",
    "slow.py": "import time\ntime.sleep(60)\n",
    "exits.py": "import sys\nsys.exit('settings refused to load')\n",
  });
  const run = (module: string, python = PYTHON, ...more: string[]) =>
    runCli([
      "audit",
      "--python",
      python,
      "--settings-module",
      `site_conf.${module}`,
      "--project-dir",
      project,
      ...more,
    ]);

  test("a missing dependency", async () => {
    // An interpreter that has Django and nothing else beside it: `environ` is missing even where the
    // machine's python3 has django-environ installed.
    const onlyDjango = join(work, "only-django");
    mkdirSync(onlyDjango);
    for (const name of ["django", "asgiref"])
      symlinkSync(
        dirname(
          execFileSync(PYTHON, ["-c", `import ${name}; print(${name}.__file__)`], {
            encoding: "utf8",
          }).trim(),
        ),
        join(onlyDjango, name),
      );
    const python = join(work, "python-with-only-django");
    writeFileSync(python, `#!/bin/sh\nPYTHONPATH=${onlyDjango} exec ${PYTHON} -S "$@"\n`, { mode: 0o755 });
    assertOneLine(
      await run("missing_dependency", python),
      /^proxytrust: audit could not run: importing site_conf.missing_dependency failed: ModuleNotFoundError: No module named 'environ' \(at site_conf\/missing_dependency.py:1\)$/m,
    );
  });

  test("a syntax error, a module that calls sys.exit, a module that is not there", async () => {
    assertOneLine(
      await run("syntax_error"),
      /importing site_conf.syntax_error failed: SyntaxError: .*syntax_error.py/,
    );
    assertOneLine(
      await run("exits"),
      /importing site_conf.exits failed: SystemExit: settings refused to load/,
    );
    assertOneLine(await run("absent"), /No module named 'site_conf.absent'/);
  });

  test("an import that does not finish in time", async () => {
    assertOneLine(
      await run("slow", PYTHON, "--python-timeout", "1"),
      /importing site_conf.slow did not finish within 1 s$/m,
    );
  });

  test("an interpreter without Django", async () => {
    // -S leaves out site-packages, where Debian's Django lives
    const bare = join(work, "python-without-django");
    writeFileSync(bare, `#!/bin/sh\nexec ${PYTHON} -S "$@"\n`, { mode: 0o755 });
    const result = await runCli(["audit", "--python", bare, "--settings-module", "shop.settings.healthy"]);
    assertOneLine(result, /cannot import Django \(ModuleNotFoundError: No module named 'django'\)/);
  });

  test("an interpreter that does not exist", async () => {
    const result = await runCli(["audit", "--python", join(work, "no-python"), "--settings-module", "x.y"]);
    assertOneLine(result, /cannot run the Python interpreter '.*no-python': not found/);
  });

  test("mistakes in the flags are usage errors (exit 2)", async () => {
    for (const args of [
      ["audit", "--python", PYTHON],
      ["audit", "--settings-module", "shop.settings.healthy"],
      ["audit", "--python", PYTHON, "--settings-module", "a.b", "--settings", "x.py"],
      ["audit", "--python", PYTHON, "--settings-module", "a.b", "--project-dir", join(work, "nowhere")],
    ]) {
      const result = await runCli(args);
      assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
      assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
    }
  });
});
