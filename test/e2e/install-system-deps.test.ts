/**
 * scripts/install-system-deps.sh on this machine, where every package is installed (npm test runs
 * it first): it must do nothing, need no root, and leave alone a running process named nginx that
 * it did not start (a developer's own web server).
 */
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, test } from "node:test";

const SCRIPT = fileURLToPath(new URL("../../scripts/install-system-deps.sh", import.meta.url));
const NOBODY = "65534";
const dir = mkdtempSync(join(tmpdir(), "proxytrust-installer-"));

// A stand-in for the developer's nginx: the kernel names a process after the file it runs, so a
// copy of sleep called "nginx" is what `pgrep -x nginx` or `pkill -x nginx` would find.
const fakeNginx = join(dir, "nginx");
copyFileSync("/usr/bin/sleep", fakeNginx);
const bystander = spawn(fakeNginx, ["600"], { stdio: "ignore" });
after(() => {
  bystander.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

function runInstaller(...asUser: string[]) {
  const command = [...asUser, "bash", SCRIPT, "--with-browser"];
  return spawnSync(command[0]!, command.slice(1), { encoding: "utf8" });
}

test("the installer names no process to kill", () => {
  assert.doesNotMatch(readFileSync(SCRIPT, "utf8"), /\b(pkill|killall)\b/);
});

test("with every package present it succeeds silently and leaves a running nginx it did not start", () => {
  const pid = String(bystander.pid);
  assert.ok(
    execFileSync("pgrep", ["-x", "nginx"], { encoding: "utf8" }).split("\n").includes(pid),
    "the stand-in is found by name, as a real nginx would be",
  );
  const result = runInstaller();
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout + result.stderr, "");
  assert.equal(bystander.exitCode, null);
  assert.equal(bystander.signalCode, null);
  assert.ok(execFileSync("pgrep", ["-x", "nginx"], { encoding: "utf8" }).split("\n").includes(pid));
});

test("with every package present it needs no root", () => {
  // Run as nobody: any apt-get, file write under /etc or privileged call would fail.
  const asNobody =
    process.getuid?.() === 0 ? ["setpriv", `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups"] : [];
  const result = runInstaller(...asNobody);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout + result.stderr, "");
});
