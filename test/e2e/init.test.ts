/**
 * `proxytrust init` end to end: for nginx, Caddy, HAProxy and Apache the generated config runs on the
 * real server (after its own validator accepted it) in front of real Django 4.2 with the generated
 * settings block and gunicorn options, and for each other app server (uvicorn, daphne, uWSGI,
 * waitress, Apache mod_wsgi) behind a proxy it suits; a full scan then passes every clause and the
 * audit of the generated files finds nothing.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CLAUSE_IDS, type AppServerKind } from "../../src/clauses.js";
import { startGeneratedStack, type GeneratedStack } from "../../stacks/generated.js";
import type { OuterTier } from "../../src/init/model.js";
import type { ProxyName } from "../../stacks/index.js";
import { postsInARow } from "./back-to-back.js";
import { runCli, type CliResult, type JsonCheck } from "./run-cli.js";

const PROXIES: ProxyName[] = ["nginx", "caddy", "haproxy", "apache"];
/** Needs the app server's address, which scan is not given: the proxy is the only way in. */
const SKIPPED_WITHOUT_ORIGIN = "origin-exposure";

const TIERS: (OuterTier | undefined)[] = [undefined, "alb", "cloudflare"];

interface Combination {
  proxy: ProxyName;
  behind?: OuterTier;
  appServer: AppServerKind;
}

/**
 * gunicorn behind every proxy and tier. With --behind, the scanner on loopback is outside the tier's
 * ranges: it is a client like any other, and every clause must hold for it exactly as without a tier.
 * Each other app server behind nginx (uWSGI on its own protocol, uwsgi_pass), and behind a second
 * proxy that reaches it over HTTP; mod_wsgi in Apache itself.
 */
const COMBINATIONS: Combination[] = [
  ...PROXIES.flatMap((proxy) => TIERS.map((behind) => ({ proxy, behind, appServer: "gunicorn" as const }))),
  { proxy: "nginx", appServer: "uvicorn" },
  { proxy: "caddy", appServer: "uvicorn" },
  { proxy: "nginx", appServer: "daphne" },
  { proxy: "haproxy", appServer: "daphne" },
  { proxy: "nginx", appServer: "uwsgi" },
  { proxy: "caddy", appServer: "uwsgi" },
  { proxy: "nginx", appServer: "waitress" },
  { proxy: "apache", appServer: "waitress" },
  { proxy: "apache", appServer: "mod_wsgi" },
];

/** The audit flag for each generated file: gunicorn's own, or --app-server which recognises the rest. */
function auditArgs(stack: GeneratedStack): string[] {
  const appServer = stack.files.appServer
    ? [stack.appServer === "gunicorn" ? "--gunicorn" : "--app-server", stack.files.appServer]
    : [];
  return ["--settings", stack.files.settings, `--${stack.proxy}`, stack.files.proxy, ...appServer];
}

for (const { proxy, behind, appServer } of COMBINATIONS) {
  describe(`init --proxy ${proxy}${behind ? ` --behind ${behind}` : ""} --app-server ${appServer}`, () => {
    let stack: GeneratedStack;
    let scan: CliResult;
    before(async () => {
      stack = await startGeneratedStack({ proxy, behind, appServer });
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
        if (expected === "pass") assert.ok(check.evidence.length > 0, `${check.id} passed without evidence`);
      }
      assert.equal(scan.code, 0);
    });

    test("POSTs in quick succession all reach Django: the proxy never reuses a connection the app server closes", async () => {
      // Django's own answer to a POST without a CSRF token is 403; a 502 is the proxy's, for want of one.
      const statuses = await postsInARow(stack.site, "/", 40);
      assert.deepEqual(
        statuses.filter((status) => status !== 403),
        [],
      );
    });

    test("the audit of the generated files finds nothing", async () => {
      const audit = await runCli(["audit", ...auditArgs(stack), "--format", "json"]);
      const checks = (JSON.parse(audit.stdout) as { checks: JsonCheck[] }).checks;
      const findings = checks.filter((c) => c.status !== "pass" && c.status !== "skip");
      assert.deepEqual(findings, [], JSON.stringify(findings, null, 2));
      assert.equal(audit.code, 0, audit.stderr);
    });
  });
}
