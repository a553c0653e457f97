/**
 * The static audit against the live scan, on the same real stacks: whatever the scan proves broken
 * by sending requests, the audit must flag from the very files those stacks run (Django settings,
 * the generated proxy config, gunicorn.conf.py); and on the healthy stacks it must not cry wolf.
 * The comparison is agreement.ts's, which also says where the suite's other stacks are compared.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  PROXIES,
  startStack,
  VARIANTS,
  type ProxyName,
  type RunningStack,
  type Variant,
} from "../../stacks/index.js";
import {
  assertNoFalseAlarm,
  auditArgs,
  assertSameFailures,
  assertScanFailuresFlagged,
  derivableScanFailures,
  scanAndAudit,
  type Differences,
  type Verdicts,
} from "./agreement.js";
import { jsonScanArgs } from "./run-cli.js";

/** Findings the audit may report on a healthy stack, each true of the healthy files. */
const JUSTIFIED_ON_HEALTHY: Record<string, string> = {
  "django-hsts-preload": "the settings do not set SECURE_HSTS_PRELOAD; an informational warning",
  "haproxy-forwardfor-keeps-client":
    "the healthy haproxy.cfg uses option forwardfor without deleting the client's X-Forwarded-For first (client-ip)",
  "haproxy-client-x-real-ip":
    "the healthy haproxy.cfg leaves the client's X-Real-IP in place (client-ip, which the scan with the probe token fails)",
  "caddy-client-x-real-ip":
    "the healthy Caddyfile leaves the client's X-Real-IP in place (client-ip, which the scan with the probe token fails)",
};

/** Clauses one stack's scan fails while its audit does not, and why the files cannot say more. */
const STACK_DIFFERENCES: Partial<Record<`${ProxyName} ${Variant}`, Differences>> = {
  "caddy passthrough": {
    "spoofed-proto": {
      audit: "warns",
      why: "trusted_proxies private_ranges: the scanner connects from loopback, a private range Caddy trusts; whether real clients can is a fact about the network",
    },
    "forwarded-host": {
      audit: "warns",
      why: "the same trusted_proxies private_ranges keeps the scanner's X-Forwarded-Host",
    },
  },
  "haproxy hostrewrite": {
    "host-header": {
      audit: "warns",
      why: "ALLOWED_HOSTS comes from $DJANGO_ALLOWED_HOSTS, which the stack sets at run time to the rewritten Host; the files only hold its default, which refuses it",
    },
  },
};

for (const proxy of PROXIES) {
  describe(`audit agrees with the scan behind ${proxy}`, () => {
    const stacks: RunningStack[] = [];
    const verdicts = new Map<Variant, Verdicts>();

    before(async () => {
      // One stack at a time: each is stopped as soon as both commands have run.
      for (const variant of VARIANTS) {
        const stack = await startStack({ proxy, variant });
        stacks.push(stack);
        verdicts.set(
          variant,
          await scanAndAudit(
            `${proxy} ${variant}`,
            [...jsonScanArgs(stack), "--probe-token", stack.probeToken],
            auditArgs(stack, proxy),
          ),
        );
        await stack.stop();
      }
    });
    after(async () => {
      await Promise.all(stacks.map((s) => s.stop()));
    });

    for (const variant of VARIANTS) {
      test(`${variant}: every clause the scan fails is flagged by the audit`, () => {
        const found = verdicts.get(variant)!;
        if (variant !== "healthy") {
          assert.ok(derivableScanFailures(found.scan).length > 0, `the ${variant} stack is broken by design`);
        }
        assertScanFailuresFlagged(found, { differences: STACK_DIFFERENCES[`${proxy} ${variant}`] });
      });
    }

    for (const variant of VARIANTS) {
      test(`${variant}: scan and audit fail the same clauses (but the documented exceptions)`, () => {
        assertSameFailures(verdicts.get(variant)!, { differences: STACK_DIFFERENCES[`${proxy} ${variant}`] });
      });
    }

    test("healthy: the audit reports no failure, and every warning it gives is true of the files", () => {
      assertNoFalseAlarm(verdicts.get("healthy")!.audit, JUSTIFIED_ON_HEALTHY, `the healthy ${proxy} stack`);
    });

    test("the contract rules speak on every broken variant", () => {
      for (const variant of VARIANTS.filter((v) => v !== "healthy")) {
        const contract = verdicts
          .get(variant)!
          .audit.filter((c) => c.id.startsWith("contract-") && c.status !== "pass");
        assert.ok(contract.length > 0, `${variant}: no contract finding`);
      }
    });
  });
}
