/**
 * The static audit against the live scan, on the same real stacks: whatever the scan proves broken
 * by sending requests, the audit must flag from the very files those stacks run (Django settings,
 * the generated proxy config, gunicorn.conf.py); and on the healthy stacks it must not cry wolf.
 * Django in-process under Apache + mod_wsgi is held to the same in app-servers.test.ts.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CLAUSE_IDS, type ClauseId } from "../../src/clauses.js";
import {
  PROXIES,
  startStack,
  VARIANTS,
  type ProxyName,
  type RunningStack,
  type Variant,
} from "../../stacks/index.js";
import { jsonScanArgs, runCli, type CliResult } from "./run-cli.js";

/**
 * Clauses a scan can fail that the files cannot honestly decide. Only one:
 * - origin-exposure: every stack's gunicorn binds a loopback address or a unix socket. The scan fails it
 *   because the scanner runs on the same host and can connect to gunicorn directly; whether anything but
 *   the proxy can do that in production is a fact about the host (other local users, containers sharing
 *   the network namespace), not about these files, and the audit rightly does not call a loopback bind
 *   exposed.
 * (client-ip is never failed by the scan, which cannot see the client address the app uses.)
 */
const NOT_DERIVABLE: ReadonlySet<ClauseId> = new Set(["origin-exposure"]);

/** Findings the audit may report on a healthy stack, each true of the healthy files. */
const JUSTIFIED_ON_HEALTHY: Record<string, string> = {
  "django-hsts-preload": "the settings do not set SECURE_HSTS_PRELOAD; an informational warning",
  "haproxy-forwardfor-keeps-client":
    "the healthy haproxy.cfg uses option forwardfor without deleting the client's X-Forwarded-For first (client-ip, which the scan cannot see)",
};

/**
 * Clauses where a scan and an audit of the same stack may decide differently, and why. Every other
 * clause is failed by both or by neither.
 * - origin-exposure: see NOT_DERIVABLE.
 * - client-ip: the scan cannot see the client address the app uses (it needs the probe middleware), so
 *   it never fails it; the audit reads it from the files (haproxy's option forwardfor keeping the client's
 *   X-Forwarded-For, for instance).
 * - hygiene: settings that no request can reveal (SECRET_KEY, DEBUG pages the scan never triggers); the
 *   scan has no hygiene check.
 * - health-exempt: the scan asks the stack's health path over plain HTTP; the audit judges
 *   SECURE_REDIRECT_EXEMPT and the proxy's health routes even when that path is not the one scanned.
 */
const MAY_DIFFER: ReadonlySet<ClauseId> = new Set([
  "origin-exposure",
  "client-ip",
  "hygiene",
  "health-exempt",
]);

/** Clauses one stack's scan fails while its audit only warns, and why the files cannot say more. */
const STACK_DIFFERENCES: Partial<Record<`${ProxyName} ${Variant}`, Partial<Record<ClauseId, string>>>> = {
  "caddy passthrough": {
    "spoofed-proto":
      "trusted_proxies private_ranges: the scanner connects from loopback, a private range Caddy trusts; whether real clients can is a fact about the network (the audit warns)",
    "forwarded-host":
      "the same trusted_proxies private_ranges keeps the scanner's X-Forwarded-Host (the audit warns)",
  },
  "haproxy hostrewrite": {
    "host-header":
      "ALLOWED_HOSTS comes from $DJANGO_ALLOWED_HOSTS, which the stack sets at run time to the rewritten Host; the files only hold its default, which refuses it (the audit warns)",
  },
};

interface Check {
  id: string;
  clause: ClauseId;
  status: string;
  summary: string;
}

function checksOf(result: CliResult, what: string): Check[] {
  assert.ok([0, 1].includes(result.code ?? -1), `${what} exited ${result.code}: ${result.stderr}`);
  return (JSON.parse(result.stdout) as { checks: Check[] }).checks;
}

function auditArgs(stack: RunningStack, proxy: ProxyName): string[] {
  const { settings, proxyConfig, gunicornConfig } = stack.files;
  return [
    "audit",
    "--settings",
    settings,
    `--${proxy}`,
    proxyConfig,
    "--gunicorn",
    gunicornConfig,
    "--format",
    "json",
  ];
}

function show(checks: Check[]): string {
  return checks.map((c) => `  ${c.status} ${c.clause} ${c.id}: ${c.summary}`).join("\n");
}

for (const proxy of PROXIES) {
  describe(`audit agrees with the scan behind ${proxy}`, () => {
    const stacks: RunningStack[] = [];
    const scans = new Map<Variant, Check[]>();
    const audits = new Map<Variant, Check[]>();

    before(async () => {
      // One stack at a time: each is stopped as soon as both commands have run.
      for (const variant of VARIANTS) {
        const stack = await startStack({ proxy, variant });
        stacks.push(stack);
        const [scan, audit] = await Promise.all([
          runCli(jsonScanArgs(stack)),
          runCli(auditArgs(stack, proxy)),
        ]);
        scans.set(variant, checksOf(scan, `scan of ${proxy} ${variant}`));
        audits.set(variant, checksOf(audit, `audit of ${proxy} ${variant}`));
        await stack.stop();
      }
    });
    after(async () => {
      await Promise.all(stacks.map((s) => s.stop()));
    });

    for (const variant of VARIANTS) {
      test(`${variant}: every clause the scan fails is flagged by the audit`, () => {
        const scan = scans.get(variant)!;
        const audit = audits.get(variant)!;
        const failed = scan.filter((c) => c.status === "fail" && !NOT_DERIVABLE.has(c.clause));
        if (variant !== "healthy") assert.ok(failed.length > 0, `the ${variant} stack is broken by design`);
        for (const check of failed) {
          const flagged = audit.filter(
            (f) => f.clause === check.clause && ["fail", "warn"].includes(f.status),
          );
          assert.ok(
            flagged.length > 0,
            `the scan fails ${check.clause} (${check.summary}) but no audit finding flags it:\n${show(audit)}`,
          );
        }
      });
    }

    for (const variant of VARIANTS) {
      test(`${variant}: scan and audit fail the same clauses (but the documented exceptions)`, () => {
        const failing = (checks: Check[]) =>
          new Set(checks.filter((c) => c.status === "fail").map((c) => c.clause));
        const scanFails = failing(scans.get(variant)!);
        const auditFails = failing(audits.get(variant)!);
        const documented = STACK_DIFFERENCES[`${proxy} ${variant}`] ?? {};
        const differing = CLAUSE_IDS.filter(
          (clause) =>
            !MAY_DIFFER.has(clause) &&
            !(clause in documented) &&
            scanFails.has(clause) !== auditFails.has(clause),
        );
        for (const clause of Object.keys(documented) as ClauseId[]) {
          assert.ok(
            scanFails.has(clause),
            `${clause} is documented as differing but the scan does not fail it`,
          );
          assert.ok(
            audits.get(variant)!.some((c) => c.clause === clause && c.status === "warn"),
            `${clause} is documented as warned by the audit`,
          );
        }
        assert.deepEqual(
          differing,
          [],
          `scan fails: ${[...scanFails].join(", ")}; audit fails: ${[...auditFails].join(", ")}\nscan:\n${show(scans.get(variant)!)}\naudit:\n${show(audits.get(variant)!)}`,
        );
      });
    }

    test("healthy: the audit reports no failure, and every warning it gives is true of the files", () => {
      const reported = audits.get("healthy")!.filter((c) => c.status !== "pass");
      assert.deepEqual(
        reported.filter((c) => c.status === "fail" || c.status === "error"),
        [],
        `false alarms on the healthy ${proxy} stack:\n${show(reported)}`,
      );
      const unexplained = reported.filter((c) => !(c.id in JUSTIFIED_ON_HEALTHY));
      assert.deepEqual(
        unexplained,
        [],
        `unexplained warnings on the healthy ${proxy} stack:\n${show(unexplained)}`,
      );
    });

    test("the contract rules speak on every broken variant", () => {
      for (const variant of VARIANTS.filter((v) => v !== "healthy")) {
        const contract = audits
          .get(variant)!
          .filter((c) => c.id.startsWith("contract-") && c.status !== "pass");
        assert.ok(contract.length > 0, `${variant}: no contract finding`);
      }
    });
  });
}
