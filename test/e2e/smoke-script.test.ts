/**
 * `scan --format sh` against real nginx, gunicorn and Django: the script, run with dash, must pass
 * and fail in step with the scan on every clause it covers.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { startStack, type RunningStack, type Variant } from "../../stacks/index.js";
import { runCli, statuses } from "./run-cli.js";

const run = promisify(execFile);

interface ScriptRun {
  code: number;
  stdout: string;
  statuses: Record<string, string>;
}

async function runScript(path: string, home: string): Promise<ScriptRun> {
  // A bare environment: the script must need nothing but curl, grep and sed on PATH.
  const env = { PATH: "/usr/bin:/bin", HOME: home };
  const done = await run("/bin/dash", [path], { env }).then(
    (r) => ({ code: 0, stdout: r.stdout }),
    (err: { code: number; stdout: string; stderr: string }) => ({
      code: err.code,
      stdout: `${err.stdout}${err.stderr}`,
    }),
  );
  const found = [...done.stdout.matchAll(/^(PASS|FAIL|WARN|ERROR|SKIP) +(\S+)/gm)].map((m) => [
    m[2]!,
    m[1]!.toLowerCase(),
  ]);
  return { ...done, statuses: Object.fromEntries(found) };
}

for (const variant of ["healthy", "passthrough", "hostrewrite"] as Variant[]) {
  describe(`the shell script of a scan of nginx ${variant}`, () => {
    let stack: RunningStack;
    let scan: Record<string, string>;
    let scanCode: number | null;
    let script: ScriptRun;
    let text = "";
    before(async () => {
      stack = await startStack({ proxy: "nginx", variant });
      const health = ["--health-path", stack.healthPath];
      const json = await runCli(["scan", ...stack.scanArgs, ...health, "--format", "json"]);
      scan = statuses(json.stdout);
      scanCode = json.code;
      const sh = await runCli(["scan", ...stack.scanArgs, ...health, "--format", "sh"]);
      text = sh.stdout;
      const path = join(stack.workDir, "smoke.sh");
      writeFileSync(path, text);
      chmodSync(path, 0o755);
      script = await runScript(path, stack.workDir);
    });
    after(() => stack.stop());

    test("it covers the clauses a shell can decide, each in its own function with its expectation", () => {
      assert.match(text, /^#!\/bin\/sh\n/);
      for (const clause of Object.keys(script.statuses)) {
        assert.match(text, new RegExp(`^check_${clause.replace(/-/g, "_")}\\(\\) \\{`, "m"));
      }
      assert.ok(Object.keys(script.statuses).length >= 4, script.stdout);
      assert.match(text, /# expect: /);
      assert.doesNotMatch(text, /\b(awk|python|node|perl|jq|mktemp|head|tail|cut|tr)\b/);
    });

    test("each covered clause has the scan's status, and the exit code agrees", () => {
      for (const [clause, status] of Object.entries(script.statuses)) {
        assert.equal(
          status,
          scan[clause],
          `${clause}: script ${status}, scan ${scan[clause]}\n${script.stdout}`,
        );
      }
      const covered = Object.keys(script.statuses);
      assert.equal(script.code, covered.some((c) => scan[c] === "fail") ? 1 : 0, script.stdout);
      // When the script fails, so does the scan (which may also fail on clauses only it decides).
      if (script.code === 1) assert.equal(scanCode, 1);
    });
  });
}

test("--format sh is for scan alone: any other command says so on one line, exit 2", async () => {
  const result = await runCli(["audit", "--settings", "settings.py", "--format", "sh"]);
  assert.equal(result.code, 2);
  assert.equal(result.stderr, "proxytrust: --format sh: only scan writes a shell script, not audit\n");
});

test("--format sh with --targets is refused before any target is scanned, exit 2", async () => {
  const dir = mkdtempSync(join(tmpdir(), "proxytrust-sh-fleet-"));
  const targets = join(dir, "targets.txt");
  writeFileSync(targets, "https://127.0.0.1:1/\n");
  try {
    const result = await runCli([
      "scan",
      "--targets",
      targets,
      "--format",
      "json,sh",
      "--output",
      join(dir, "out"),
    ]);
    assert.equal(result.code, 2);
    assert.equal(
      result.stderr,
      "proxytrust: --format sh: only a scan of one URL writes a shell script, not a fleet\n",
    );
    assert.equal(existsSync(join(dir, "out.json")), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
