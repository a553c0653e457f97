/**
 * `proxytrust doctor` on real misconfigured stacks: each symptom is named, with the cause seen live
 * and, when the files are given, the cause in the files at the right place. The expectations follow from
 * how each stack variant was built (stacks/README.md), not from what doctor printed before.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { startStack, type ProxyName, type RunningStack, type Variant } from "../../stacks/index.js";
import { runCli, type JsonCheck } from "./run-cli.js";

interface DoctorCheck extends JsonCheck {
  clause: string;
  location?: { file: string; line: number };
}

async function doctor(
  stack: RunningStack,
  withFiles: boolean,
): Promise<{ code: number | null; checks: DoctorCheck[] }> {
  const files = withFiles
    ? [
        "--settings",
        stack.files.settings,
        `--${stack.proxy}`,
        stack.files.proxyConfig,
        "--gunicorn",
        stack.files.gunicornConfig,
      ]
    : [];
  const result = await runCli(["doctor", ...stack.scanArgs, ...files, "--format", "json"]);
  const report = JSON.parse(result.stdout) as { command: string; checks: DoctorCheck[] };
  assert.equal(report.command, "doctor");
  return { code: result.code, checks: report.checks };
}

function diagnosis(checks: DoctorCheck[], id: string): DoctorCheck {
  const found = checks.find((c) => c.id === id);
  assert.ok(found, `no ${id} diagnosis among ${checks.map((c) => `${c.id}:${c.status}`).join(", ")}`);
  return found;
}

/** A cause read in the files, pointing into the proxy's config (the stack's misconfiguration lives there). */
function assertProxyFileCause(check: DoctorCheck, stack: RunningStack, mentions: RegExp): void {
  const lines = check.summary.split("\n").filter((l) => l.startsWith("cause (in the files)"));
  assert.ok(
    lines.some((l) => mentions.test(l) && l.includes(stack.files.proxyConfig)),
    `no cause in ${stack.files.proxyConfig} matching ${mentions}:\n${check.summary}`,
  );
}

const AUDITABLE: ProxyName[] = ["nginx", "caddy", "haproxy"];
const VARIANTS: Variant[] = ["passthrough", "loop", "hostrewrite"];

for (const proxy of [...AUDITABLE, "apache" as const]) {
  describe(`doctor behind ${proxy}`, () => {
    const stacks = new Map<Variant, RunningStack>();
    before(async () => {
      for (const variant of VARIANTS) stacks.set(variant, await startStack({ proxy, variant }));
    });
    after(() => Promise.all([...stacks.values()].map((s) => s.stop())));
    const withFiles = AUDITABLE.includes(proxy);

    test("loop: the redirect loop is named, caused by a scheme Django does not get", async () => {
      const stack = stacks.get("loop")!;
      const { code, checks } = await doctor(stack, withFiles);
      const loop = diagnosis(checks, "redirect-loop");
      assert.equal(loop.status, "fail");
      assert.match(loop.summary, /ERR_TOO_MANY_REDIRECTS/);
      if (withFiles) assertProxyFileCause(loop, stack, /X-Forwarded-Proto/);
      else assert.match(loop.summary, /cause \(seen live\): Django believes HTTPS requests are plain HTTP/);
      assert.equal(code, 1);
    });

    test("hostrewrite: the CSRF Origin failure is named, caused by the rewritten Host", async () => {
      const stack = stacks.get("hostrewrite")!;
      const { checks } = await doctor(stack, withFiles);
      const csrf = diagnosis(checks, "csrf-failure");
      assert.match(csrf.summary, /Origin checking failed/);
      assert.match(
        csrf.summary,
        /cause \(seen live\): the proxy rewrites Host: the app takes its host to be 127\./,
      );
      if (withFiles) assertProxyFileCause(csrf, stack, /Host|upstream/);
      // the fix names the scanned site, never the catalogue's placeholder
      assert.match(csrf.fix ?? "", /CSRF_TRUSTED_ORIGINS = \['https:\/\/app\.test'\]/);
      assert.match(csrf.fix ?? "", new RegExp(`^${proxy}: `, "m"));
      assert.doesNotMatch(JSON.stringify(checks), /example\.(com|org)/);
    });

    test("passthrough: believed client headers and cookies over plain HTTP are named with their causes", async () => {
      const stack = stacks.get("passthrough")!;
      const { checks } = await doctor(stack, withFiles);
      const believed = diagnosis(checks, "client-headers-believed");
      assert.match(believed.summary, /X-Forwarded-Proto: https/);
      if (withFiles) assertProxyFileCause(believed, stack, /X-Forwarded-Proto/);
      const cookies = diagnosis(checks, "sessions");
      assert.match(cookies.summary, /sessionid[^\n]*without Secure/);
      if (withFiles) assert.match(cookies.summary, /cause \(in the files\): SESSION_COOKIE_SECURE = False/);
    });
  });
}

describe("doctor when the files are not the deployed ones", () => {
  let deployed: RunningStack;
  let repository: RunningStack;
  before(async () => {
    deployed = await startStack({ proxy: "nginx", variant: "passthrough" });
    repository = await startStack({ proxy: "nginx", variant: "healthy" });
  });
  after(() => Promise.all([deployed?.stop(), repository?.stop()]));

  test("the live failure wins over clean files, and doctor says the files are wrong", async () => {
    const result = await runCli([
      "doctor",
      ...deployed.scanArgs,
      "--nginx",
      repository.files.proxyConfig,
      "--format",
      "json",
    ]);
    const checks = (JSON.parse(result.stdout) as { checks: DoctorCheck[] }).checks;
    const disagreement = checks.find((c) => c.id === "files-disagree" && c.clause === "spoofed-proto");
    assert.ok(disagreement, checks.map((c) => `${c.id}/${c.clause}`).join(", "));
    assert.match(disagreement.summary, /the live result is the true one/);
  });

  test("a proxy config read only in part is said on stderr, and its silence is not taken for agreement", async () => {
    const dir = mkdtempSync(join(tmpdir(), "proxytrust-doctor-"));
    try {
      const text = readFileSync(repository.files.proxyConfig, "utf8");
      const broken = join(dir, "nginx.conf");
      // Cut inside the server block: what follows (the proxy_set_header lines) is never read.
      writeFileSync(broken, text.slice(0, text.indexOf("location")) + "location / {\n");
      const result = await runCli(["doctor", ...deployed.scanArgs, "--nginx", broken, "--format", "json"]);
      const lines = result.stderr.trim().split("\n");
      assert.ok(
        lines.some((l) => l.startsWith(`proxytrust: ${broken}:`) && /not named$/.test(l)),
        result.stderr,
      );
      const checks = (JSON.parse(result.stdout) as { checks: DoctorCheck[] }).checks;
      assert.equal(
        checks.find((c) => c.id === "files-disagree"),
        undefined,
        checks.map((c) => `${c.id}/${c.clause}`).join(", "),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
