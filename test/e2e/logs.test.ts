/**
 * The probe middleware's request log on real stacks (nginx, gunicorn, Django with
 * PROXYTRUST_PROBE_LOG=1): a scan is the traffic, gunicorn's log the input of `proxytrust logs`.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { startStack, type RunningStack } from "../../stacks/index.js";
import { runCli, type CliResult, type JsonCheck } from "./run-cli.js";

describe("proxytrust logs on gunicorn's log behind nginx", () => {
  const stacks: RunningStack[] = [];
  const results = new Map<string, CliResult>();
  before(async () => {
    for (const variant of ["healthy", "passthrough"] as const) {
      const stack = await startStack({ proxy: "nginx", variant, probeLog: true });
      stacks.push(stack);
      await runCli(["scan", ...stack.scanArgs, "--format", "json"]);
      results.set(
        variant,
        await runCli(["logs", join(stack.workDir, "logs", "gunicorn.log"), "--format", "json"]),
      );
    }
  });
  after(() => Promise.all(stacks.map((s) => s.stop())));

  const checksOf = (variant: string) =>
    (JSON.parse(results.get(variant)!.stdout) as { checks: JsonCheck[] }).checks;

  test("misconfigured: the client's X-Forwarded-Proto reached Django, with examples; exit 1", () => {
    const checks = checksOf("passthrough");
    const proto = checks.find((c) => c.id === "log-client-x-forwarded-proto");
    assert.ok(proto, JSON.stringify(checks.map((c) => `${c.id} ${c.status}`)));
    assert.equal(proto.status, "fail");
    assert.ok(proto.evidence.length > 0);
    assert.match(JSON.stringify(proto.evidence), /X-Forwarded-Proto/);
    assert.equal(results.get("passthrough")!.code, 1);
  });

  test("healthy: nothing reported, the scheme matches the listener on every request; exit 0", () => {
    const checks = checksOf("healthy");
    assert.deepEqual(
      checks.filter((c) => c.status !== "pass").map((c) => `${c.id}: ${c.summary}`),
      [],
    );
    assert.ok(checks.some((c) => c.id === "log-scheme" && c.status === "pass"));
    assert.equal(results.get("healthy")!.code, 0);
  });
});
