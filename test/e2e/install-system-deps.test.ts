/**
 * scripts/install-system-deps.sh on this machine, where every package is installed (npm test runs
 * it first): it must do nothing, need no root, and leave alone a running process named nginx that
 * it did not start (a developer's own web server). Its install path runs in a user and mount
 * namespace where one package looks missing, apt-get only records how it was called, and
 * /usr/sbin and /etc/apt are overlays, so the machine itself is never changed.
 */
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
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

/**
 * Runs the installer where uWSGI's Python plugin looks missing (an empty folder mounted over the
 * plugins) and apt-get, first on PATH, records its arguments and what policy-rc.d answers then.
 * `policyBefore` is the machine's policy-rc.d in the sandbox, or undefined for none.
 */
function installInSandbox(name: string, policyBefore: string | undefined) {
  const sandbox = join(dir, name);
  for (const sub of ["bin", "empty", "sbin-upper", "sbin-work", "apt-upper", "apt-work"]) {
    mkdirSync(join(sandbox, sub), { recursive: true });
  }
  const log = join(sandbox, "apt-get.log");
  writeFileSync(
    join(sandbox, "bin", "apt-get"),
    `#!/bin/sh\n/usr/sbin/policy-rc.d nginx start >/dev/null 2>&1; echo "$* | policy-rc.d: $?" >> ${log}\n`,
  );
  chmodSync(join(sandbox, "bin", "apt-get"), 0o755);
  const policy = "/usr/sbin/policy-rc.d";
  let setPolicy = `rm -f ${policy}`;
  if (policyBefore !== undefined) {
    writeFileSync(join(sandbox, "policy-before"), policyBefore, { mode: 0o755 });
    setPolicy = `cp -p ${sandbox}/policy-before ${policy}`;
  }
  const script = `set -e
mount -t overlay overlay -o lowerdir=/usr/sbin,upperdir=${sandbox}/sbin-upper,workdir=${sandbox}/sbin-work /usr/sbin
mount -t overlay overlay -o lowerdir=/etc/apt,upperdir=${sandbox}/apt-upper,workdir=${sandbox}/apt-work /etc/apt
mount --bind ${sandbox}/empty /usr/lib/uwsgi/plugins
${setPolicy}
PATH=${sandbox}/bin:$PATH bash ${SCRIPT}
if [ -e ${policy} ]; then cat ${policy}; else echo "(no policy-rc.d)"; fi`;
  const result = spawnSync("unshare", ["--user", "--map-root-user", "--mount", "bash", "-c", script], {
    encoding: "utf8",
  });
  assert.equal(result.status, 0, result.stderr);
  return { apt: readFileSync(log, "utf8").trim().split("\n"), policyAfter: result.stdout };
}

const MACHINE_POLICY = "#!/bin/sh\n# the policy this machine had\nexit 0\n";

test("a missing package is installed with service starts forbidden; the machine's policy-rc.d comes back", () => {
  const { apt, policyAfter } = installInSandbox("with-policy", MACHINE_POLICY);
  assert.deepEqual(apt, [
    "update -qq | policy-rc.d: 101",
    "install -y -qq --no-install-recommends uwsgi-plugin-python3 | policy-rc.d: 101",
  ]);
  assert.equal(policyAfter, MACHINE_POLICY);
  assert.equal(bystander.exitCode, null);
});

test("without a policy-rc.d of the machine's, the installer's own is gone afterwards", () => {
  const { apt, policyAfter } = installInSandbox("without-policy", undefined);
  assert.match(apt[1]!, /uwsgi-plugin-python3 \| policy-rc.d: 101$/);
  assert.equal(policyAfter, "(no policy-rc.d)\n");
  assert.equal(bystander.exitCode, null);
});
