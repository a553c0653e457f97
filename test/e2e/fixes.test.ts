/**
 * A fix written from the failing evidence, checked by applying it: behind a real HAProxy that already
 * overwrites X-Forwarded-Proto with set-header but lets the underscore spelling X_Forwarded_Proto
 * through, the scan's fix must be to delete that spelling (not "use set-header"), and the same stack
 * with exactly the printed lines added must pass.
 */
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { startStack, type RunningStack } from "../../stacks/index.js";
import { runCli, type JsonCheck } from "./run-cli.js";

interface ScanReport {
  identified?: { proxy?: { kind: string } };
  checks: JsonCheck[];
}

async function haproxyWith(underscoreFix: string): Promise<RunningStack> {
  return startStack({
    proxy: "haproxy",
    variant: "passthrough",
    custom: {
      template: "fixes/haproxy-set-header.cfg",
      prepare: async () => ({ UNDERSCORE_FIX: underscoreFix }),
    },
  });
}

async function spoofedProto(stack: RunningStack): Promise<{ report: ScanReport; check: JsonCheck }> {
  const result = await runCli(["scan", ...stack.scanArgs, "--format", "json"]);
  const report = JSON.parse(result.stdout) as ScanReport;
  const check = report.checks.find((c) => c.id === "spoofed-proto");
  assert.ok(check, result.stdout);
  return { report, check };
}

/** The lines under "haproxy:" in a fix: the first line's text, then the configuration lines after it. */
function haproxyLines(fix: string): string[] {
  const lines = fix.split("\n");
  const start = lines.findIndex((l) => l.startsWith("haproxy: "));
  assert.ok(start >= 0, `no haproxy fix in:\n${fix}`);
  const block = [lines[start]!.slice("haproxy: ".length)];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith("http-")) break;
    block.push(line);
  }
  return block;
}

describe("the HAProxy fix follows the header spellings that got through", () => {
  const stacks: RunningStack[] = [];
  after(() => Promise.all(stacks.map((s) => s.stop())));

  test("set-header already in place, X_Forwarded_Proto believed: the fix deletes that spelling, and works", async () => {
    const broken = await haproxyWith("");
    stacks.push(broken);
    const before = await spoofedProto(broken);
    assert.equal(before.check.status, "fail", before.check.summary);
    assert.match(before.check.summary, /X_Forwarded_Proto/);
    assert.doesNotMatch(before.check.summary, /X-Forwarded-Proto: https[^,]/);
    assert.equal(before.report.identified?.proxy?.kind, "haproxy");
    const lines = haproxyLines(before.check.fix ?? "");
    assert.deepEqual(lines, ["http-request del-header X_Forwarded_Proto"]);
    assert.doesNotMatch(before.check.fix ?? "", /set-header|add-header|^(nginx|caddy|apache|traefik):/m);
    await broken.stop();

    const fixed = await haproxyWith(lines.map((l) => `    ${l}`).join("\n"));
    stacks.push(fixed);
    const afterFix = await spoofedProto(fixed);
    assert.equal(afterFix.check.status, "pass", afterFix.check.summary);
  });
});
