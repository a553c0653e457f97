/**
 * The package as users get it: `npm pack` of a fresh copy of the checkout (its prepare script
 * builds dist/), installed with `npm install -g --prefix`; and an install from the git repository
 * (`git+file://`), where npm clones it, installs the dev dependencies and runs prepare itself.
 * Each installed `proxytrust` runs its commands and a real scan of a real nginx stack.
 */
import assert from "node:assert/strict";
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { startStack, type RunningStack } from "../../stacks/index.js";
import { copyCheckout, NPM_QUIET, PROJECT_ROOT } from "./checkout.js";
import { runInstalledCli, statuses } from "./run-cli.js";

const INSTALL_TIMEOUT_MS = 300_000;
const { version } = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as {
  version: string;
};
const dir = mkdtempSync(join(tmpdir(), "proxytrust-package-"));
const checkout = join(dir, "checkout");
const prefix = join(dir, "global");
const project = join(dir, "project");
let tarball = "";
let stack: RunningStack;

async function npm(cwd: string, ...args: string[]): Promise<string> {
  const run = promisify(execFile);
  const { stdout } = await run("npm", [...args, ...NPM_QUIET], { cwd, timeout: INSTALL_TIMEOUT_MS });
  return stdout;
}

async function packAndInstallGlobally(): Promise<void> {
  // prepare runs tsc and esbuild, which the copy borrows from this checkout's dev dependencies.
  symlinkSync(join(PROJECT_ROOT, "node_modules"), join(checkout, "node_modules"));
  const packed = JSON.parse(await npm(checkout, "pack", "--json", "--pack-destination", dir)) as {
    filename: string;
  }[];
  tarball = join(dir, packed[0]!.filename);
  mkdirSync(prefix);
  await npm(dir, "install", "--global", "--prefix", prefix, tarball);
}

async function installFromGit(): Promise<void> {
  mkdirSync(project);
  await npm(project, "install", `git+${pathToFileURL(checkout).href}`);
}

// The installs are slow (npm's git install fetches every dev dependency): they run side by side.
before(async () => {
  copyCheckout(checkout);
  // allSettled: the stack is stopped in after() even when an install fails.
  const settled = await Promise.allSettled([
    startStack({ proxy: "nginx", variant: "healthy" }).then((started) => (stack = started)),
    packAndInstallGlobally(),
    installFromGit(),
  ]);
  for (const outcome of settled) if (outcome.status === "rejected") throw outcome.reason;
});
after(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** What every installed copy must do, from the executable npm linked. */
function behavesLikeProxytrust(executable: () => string): void {
  test("--version prints the package's version", async () => {
    const result = await runInstalledCli(executable(), ["--version"]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), version);
  });

  test("explain spoofed-proto prints the clause", async () => {
    const result = await runInstalledCli(executable(), ["explain", "spoofed-proto"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^spoofed-proto: /);
    assert.match(result.stdout, /X-Forwarded-Proto/);
  });

  test("probe print writes Python that the system Python parses", async () => {
    const result = await runInstalledCli(executable(), ["probe", "print"]);
    assert.equal(result.code, 0, result.stderr);
    const parse = spawnSync("/usr/bin/python3", ["-c", "import ast,sys; ast.parse(sys.stdin.read())"], {
      input: result.stdout,
      encoding: "utf8",
    });
    assert.equal(parse.status, 0, parse.stderr);
    assert.match(result.stdout, /class \w+/);
  });

  test("scans the healthy nginx stack: every clause that applies passes", async () => {
    const result = await runInstalledCli(executable(), ["scan", ...stack.scanArgs, "--format", "json"]);
    assert.equal(result.code, 0, result.stderr);
    const seen = statuses(result.stdout);
    for (const clause of [
      "scheme",
      "spoofed-proto",
      "https-redirect",
      "hsts",
      "host-header",
      "csrf-origin",
    ]) {
      assert.equal(seen[clause], "pass", `${clause}: ${result.stdout}`);
    }
  });
}

describe("npm pack, then npm install -g of the tarball", () => {
  test("the tarball holds the built CLI, the Python files and the docs, not the sources or tests", () => {
    const files = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).split("\n");
    for (const expected of [
      "package/dist/cli/main.js",
      "package/python/proxytrust_probe.py",
      "package/python/proxytrust_settings_dump.py",
      "package/docs/clauses.md",
      "package/README.md",
    ]) {
      assert.ok(files.includes(expected), `${expected} is missing from ${tarball}`);
    }
    assert.deepEqual(
      files.filter((f) => /^package\/(src|test|stacks|bench|scripts)\//.test(f)),
      [],
    );
  });

  test("the installed command is executable and starts with a node shebang", () => {
    const executable = join(prefix, "bin", "proxytrust");
    assert.ok(statSync(executable).mode & 0o111, "proxytrust is executable");
    assert.match(readFileSync(executable, "utf8"), /^#!\/usr\/bin\/env node\n/);
  });

  behavesLikeProxytrust(() => join(prefix, "bin", "proxytrust"));
});

describe("npm install from the git repository (npm runs prepare in its own clone)", () => {
  test("prepare built dist/ in npm's clone: the installed package has it", () => {
    assert.ok(statSync(join(project, "node_modules", "proxytrust", "dist", "cli", "main.js")).isFile());
  });

  behavesLikeProxytrust(() => join(project, "node_modules", ".bin", "proxytrust"));
});
