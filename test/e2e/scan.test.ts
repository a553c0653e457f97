/**
 * `proxytrust scan` against real Django 4.2 under gunicorn behind real nginx, Caddy, HAProxy
 * and Apache. Each stack is started once; the expectations follow from how each variant was
 * built (see stacks/templates), not from what the scanner printed before.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CLAUSE_IDS } from "../../src/clauses.js";
import { startStack, type ProxyName, type RunningStack, type Variant } from "../../stacks/index.js";
import { runCli, statuses, type CliResult } from "./run-cli.js";

/** Clauses each misconfiguration was built to break. */
const DESIGNED_FAILURES: Record<Exclude<Variant, "healthy">, string[]> = {
  // Client forwarding headers pass through, HTTP is served, any Host is proxied, no HSTS, cookies without Secure.
  passthrough: [
    "spoofed-proto",
    "https-redirect",
    "hsts",
    "cookie-flags",
    "host-header",
    "forwarded-host",
    "origin-exposure",
  ],
  // The proxy never says the request was HTTPS while Django redirects everything it thinks is http.
  loop: ["scheme", "https-redirect", "health-exempt"],
  // Host is the upstream address: Django's redirects and CSRF Origin check use it.
  hostrewrite: ["https-redirect", "csrf-origin", "health-exempt"],
};

const PROXIES: ProxyName[] = ["nginx", "caddy", "haproxy", "apache"];
const VARIANTS: Variant[] = ["healthy", "passthrough", "loop", "hostrewrite"];

function scanArgs(stack: RunningStack, ...extra: string[]): string[] {
  return [
    "scan",
    ...stack.scanArgs,
    "--format",
    "json",
    ...(stack.originUrl ? ["--origin", stack.originUrl] : []),
    ...extra,
  ];
}

for (const proxy of PROXIES) {
  describe(`scan behind ${proxy}`, () => {
    const stacks = new Map<Variant, RunningStack>();
    const scans = new Map<Variant, CliResult>();
    before(async () => {
      for (const variant of VARIANTS) {
        const stack = await startStack({ proxy, variant });
        stacks.set(variant, stack);
        scans.set(variant, await runCli(scanArgs(stack, "--health-path", stack.healthPath)));
      }
    });
    after(async () => {
      await Promise.all([...stacks.values()].map((s) => s.stop()));
    });

    test("healthy: every clause passes with evidence, exit 0", () => {
      const result = scans.get("healthy")!;
      const seen = statuses(result.stdout);
      assert.deepEqual(Object.keys(seen).sort(), [...CLAUSE_IDS].filter((c) => c !== "hygiene").sort());
      for (const [clause, status] of Object.entries(seen)) {
        const expected =
          clause === "client-ip" || (clause === "origin-exposure" && !stacks.get("healthy")!.originUrl)
            ? "skip"
            : "pass";
        assert.equal(
          status,
          expected,
          `${clause}: ${JSON.stringify(JSON.parse(result.stdout).checks.find((c: { id: string }) => c.id === clause))}`,
        );
      }
      const report = JSON.parse(result.stdout) as { checks: { status: string; evidence: unknown[] }[] };
      for (const check of report.checks.filter((c) => c.status === "pass"))
        assert.ok(check.evidence.length > 0);
      assert.equal(result.code, 0);
    });

    test("every variant: the proxy is identified from its own responses, and only its fix is printed", () => {
      for (const variant of VARIANTS) {
        const report = JSON.parse(scans.get(variant)!.stdout) as {
          proxy?: string;
          identified?: { proxy?: { kind: string; from: string }; appServer?: { kind: string } };
          checks: { fix?: string }[];
        };
        assert.equal(
          report.identified?.proxy?.kind,
          proxy,
          `${variant}: ${JSON.stringify(report.identified)}`,
        );
        assert.ok(report.identified.proxy.from.length > 0);
        assert.equal(report.proxy, proxy);
        // gunicorn runs behind every proxy; nginx replaces its Server header, the others pass it on
        if (proxy !== "nginx" || stacks.get(variant)!.originUrl)
          assert.equal(report.identified.appServer?.kind, "gunicorn", variant);
        const others = ["nginx", "caddy", "haproxy", "apache", "traefik"].filter((k) => k !== proxy);
        for (const check of report.checks.filter((c) => c.fix))
          for (const other of others) assert.doesNotMatch(check.fix!, new RegExp(`^${other}:`, "m"));
      }
    });

    for (const variant of Object.keys(DESIGNED_FAILURES) as (keyof typeof DESIGNED_FAILURES)[]) {
      test(`${variant}: fails ${DESIGNED_FAILURES[variant].join(", ")} with a fix, exit 1`, () => {
        const result = scans.get(variant)!;
        const report = JSON.parse(result.stdout) as {
          checks: { id: string; status: string; fix?: string; summary: string }[];
        };
        for (const clause of DESIGNED_FAILURES[variant]) {
          const check = report.checks.find((c) => c.id === clause)!;
          assert.equal(check.status, "fail", `${clause}: ${check.summary}`);
          assert.ok(check.fix && check.fix.length > 0, `${clause} has a fix`);
        }
        assert.equal(result.code, 1);
      });
    }
  });
}

describe("scan discovers defaults and speaks to people", () => {
  let stack: RunningStack;
  before(async () => {
    stack = await startStack({ proxy: "nginx", variant: "hostrewrite" });
  });
  after(() => stack.stop());

  test("a default /healthz is found without --health-path; its redirect is a warning, not a failure", async () => {
    const seen = statuses((await runCli(scanArgs(stack))).stdout);
    assert.equal(seen["health-exempt"], "warn");
  });

  test("text output: one line per clause, evidence and a fix under each failure", async () => {
    const result = await runCli(["scan", ...stack.scanArgs]);
    const lines = result.stdout.split("\n");
    for (const id of CLAUSE_IDS.filter((c) => c !== "hygiene")) {
      assert.equal(
        lines.filter((l) => new RegExp(`^(PASS|FAIL|WARN|SKIP|ERROR) +${id} `).test(l)).length,
        1,
        id,
      );
    }
    const csrf = result.stdout.slice(result.stdout.indexOf("FAIL  csrf-origin"));
    assert.match(csrf, /evidence:\n +# CSRF POST own-origin/);
    assert.match(csrf, /fix:\n +nginx: proxy_set_header Host \$host;/);
    assert.equal(result.code, 1);
  });
});
