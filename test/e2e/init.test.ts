/**
 * `proxytrust init` end to end: for nginx, Caddy, HAProxy and Apache the generated config runs on the
 * real server (after its own validator accepted it) in front of real Django 4.2 with the generated
 * settings block and gunicorn options; a full scan then passes every clause and the audit of the
 * generated files finds nothing.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CLAUSE_IDS } from "../../src/clauses.js";
import { startGeneratedStack, type GeneratedStack } from "../../stacks/generated.js";
import type { OuterTier } from "../../src/init/model.js";
import type { ProxyName } from "../../stacks/index.js";
import { runCli, type CliResult, type JsonCheck } from "./run-cli.js";

const PROXIES: ProxyName[] = ["nginx", "caddy", "haproxy", "apache"];
/** Needs the app server's address, which scan is not given: the proxy is the only way in. */
const SKIPPED_WITHOUT_ORIGIN = "origin-exposure";

const TIERS: (OuterTier | undefined)[] = [undefined, "alb", "cloudflare"];

/**
 * With --behind, the scanner on loopback is outside the tier's ranges: it is a client like any other,
 * and every clause must hold for it exactly as without a tier.
 */
for (const proxy of PROXIES)
  for (const behind of TIERS) {
    describe(`init --proxy ${proxy}${behind ? ` --behind ${behind}` : ""}`, () => {
      let stack: GeneratedStack;
      let scan: CliResult;
      before(async () => {
        stack = await startGeneratedStack({ proxy, behind });
        scan = await runCli([
          "scan",
          ...stack.scanArgs,
          "--probe-token",
          stack.probeToken,
          "--health-path",
          stack.healthPath,
          "--format",
          "json",
        ]);
      });
      after(() => stack?.stop());

      test("a full scan passes every clause, with evidence", () => {
        const checks = (JSON.parse(scan.stdout) as { checks: JsonCheck[] }).checks;
        assert.deepEqual(checks.map((c) => c.id).sort(), CLAUSE_IDS.filter((id) => id !== "hygiene").sort());
        for (const check of checks) {
          const expected = check.id === SKIPPED_WITHOUT_ORIGIN ? "skip" : "pass";
          assert.equal(check.status, expected, `${check.id}: ${check.summary}`);
          if (expected === "pass")
            assert.ok(check.evidence.length > 0, `${check.id} passed without evidence`);
        }
        assert.equal(scan.code, 0);
      });

      test("the audit of the generated files finds nothing", async () => {
        // Apache has no static reader: its side is proven by the scan alone.
        const proxyFlag = proxy === "apache" ? [] : [`--${proxy}`, stack.files.proxy];
        const audit = await runCli([
          "audit",
          "--settings",
          stack.files.settings,
          "--gunicorn",
          stack.files.gunicorn,
          ...proxyFlag,
          "--format",
          "json",
        ]);
        const checks = (JSON.parse(audit.stdout) as { checks: JsonCheck[] }).checks;
        const findings = checks.filter((c) => c.status !== "pass" && c.status !== "skip");
        assert.deepEqual(findings, [], JSON.stringify(findings, null, 2));
        assert.equal(audit.code, 0, audit.stderr);
      });
    });
  }
