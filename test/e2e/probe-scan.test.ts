/**
 * `scan --probe-token` against real stacks whose Django runs the probe middleware
 * (python/proxytrust_probe.py): Django's own view becomes the evidence.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startStack, type RunningStack } from "../../stacks/index.js";
import { runCli, type JsonCheck } from "./run-cli.js";

function checks(stdout: string): Map<string, JsonCheck> {
  const report = JSON.parse(stdout) as { checks: JsonCheck[] };
  return new Map(report.checks.map((c) => [c.id, c]));
}

describe("scan with the probe middleware", () => {
  let healthy: RunningStack;
  let passthrough: RunningStack;
  before(async () => {
    [healthy, passthrough] = await Promise.all([
      startStack({ proxy: "nginx", variant: "healthy" }),
      startStack({ proxy: "haproxy", variant: "passthrough" }),
    ]);
  });
  after(() => Promise.all([healthy.stop(), passthrough.stop()]));

  test("healthy: scheme, forwarded-host and client-ip pass on Django's own word; the token never appears in the output", async () => {
    const result = await runCli([
      "scan",
      ...healthy.scanArgs,
      "--format",
      "json",
      "--probe-token",
      healthy.probeToken,
    ]);
    const seen = checks(result.stdout);
    assert.equal(seen.get("scheme")?.status, "pass");
    assert.match(seen.get("scheme")!.summary, /Django saw scheme=https \(probe middleware\)/);
    assert.equal(seen.get("forwarded-host")?.status, "pass");
    assert.match(seen.get("forwarded-host")!.summary, /Django saw host=app\.test/);
    assert.equal(seen.get("client-ip")?.status, "pass", seen.get("client-ip")?.summary);
    assert.ok(!result.stdout.includes(healthy.probeToken));
  });

  test("passthrough: Django reports the client's forwarded host and forged client address", async () => {
    const seen = checks(
      (
        await runCli([
          "scan",
          ...passthrough.scanArgs,
          "--format",
          "json",
          "--probe-token",
          passthrough.probeToken,
        ])
      ).stdout,
    );
    assert.equal(seen.get("forwarded-host")?.status, "fail");
    assert.match(seen.get("forwarded-host")!.summary, /Django saw host=proxytrust-foreign\.invalid/);
    assert.equal(seen.get("client-ip")?.status, "fail");
    assert.match(seen.get("client-ip")!.summary, /X_REAL_IP reached Django as '198\.51\.100\.23'/);
  });

  test("a wrong token gets the app's ordinary 404, so client-ip is an error, never a pass", async () => {
    const seen = checks(
      (await runCli(["scan", ...healthy.scanArgs, "--format", "json", "--probe-token", "x".repeat(48)]))
        .stdout,
    );
    assert.equal(seen.get("client-ip")?.status, "error");
    assert.equal(seen.get("scheme")?.status, "pass", "the CSRF fingerprint still decides the scheme");
  });
});
