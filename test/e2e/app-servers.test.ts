/**
 * Every app server Django runs on: one healthy and one misconfigured stack for uvicorn, daphne, uWSGI
 * and waitress, each behind a real nginx, and for Django in-process under Apache + mod_wsgi. Each stack
 * is started once, scanned and audited (its settings, and nginx.conf with the systemd unit whose command
 * line it runs, or the whole apache2.conf); what the scan proves broken, the audit must flag under the
 * same clause, and on the healthy stacks neither cries wolf.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { ClauseId } from "../../src/clauses.js";
import {
  APP_SERVER_VARIANTS,
  APP_SERVERS,
  startAppServerStack,
  type AppServerVariant,
} from "../../stacks/app-servers.js";
import { startModWsgiStack } from "../../stacks/mod-wsgi.js";
import { assertScanFailuresFlagged, checksOf, derivableScanFailures, show, type Check } from "./agreement.js";
import { jsonScanArgs, runCli } from "./run-cli.js";

interface Identification {
  proxy?: { kind: string; from: string };
  appServer?: { kind: string; from: string };
}

/** Findings the audit may report on a healthy stack, each true of the healthy files. */
const JUSTIFIED_ON_HEALTHY: Record<string, string> = {
  "django-hsts-preload": "the settings do not set SECURE_HSTS_PRELOAD; an informational warning",
};

/** The clause whose failure each misconfigured stack is built to show, in both scan and audit. */
const BROKEN: Record<string, { clause: ClauseId; auditRule: string }> = {
  uvicorn: { clause: "scheme", auditRule: "contract-scheme-not-conveyed" },
  daphne: { clause: "scheme", auditRule: "contract-scheme-not-conveyed" },
  uwsgi: { clause: "scheme", auditRule: "nginx-uwsgi-https-not-passed" },
  waitress: { clause: "scheme", auditRule: "contract-scheme-not-conveyed" },
};

/** One app server's two stacks, started one at a time, with the audit of the very files each runs. */
interface Deployment {
  /** "uvicorn behind nginx", for test names. */
  name: string;
  broken: { clause: ClauseId; auditRule: string };
  /** The app server behind nginx whose identification and fix texts are checked; none for mod_wsgi. */
  server?: string;
  start(variant: AppServerVariant): Promise<{
    scanArgs: string[];
    auditArgs: string[];
    /** Whether the scan was given the app server's own address (--origin). */
    reachable: boolean;
    stop(): Promise<void>;
  }>;
}

function agreement({ name, broken, server, start }: Deployment): void {
  describe(`${name}: scan and audit agree`, () => {
    const stops: (() => Promise<void>)[] = [];
    const scans = new Map<AppServerVariant, Check[]>();
    const audits = new Map<AppServerVariant, Check[]>();
    const identified = new Map<AppServerVariant, Identification | undefined>();
    /** Whether the scan was given the app server's own address (--origin): it listens on TCP. */
    const reachable = new Map<AppServerVariant, boolean>();

    before(async () => {
      for (const variant of APP_SERVER_VARIANTS) {
        const stack = await start(variant);
        stops.push(stack.stop);
        const [scanned, audited] = await Promise.all([
          runCli(stack.scanArgs),
          runCli([...stack.auditArgs, "--format", "json"]),
        ]);
        scans.set(variant, checksOf(scanned, `scan of ${name} ${variant}`));
        identified.set(variant, (JSON.parse(scanned.stdout) as { identified?: Identification }).identified);
        reachable.set(variant, stack.reachable);
        audits.set(variant, checksOf(audited, `audit of ${name} ${variant}`));
        await stack.stop();
      }
    });
    after(async () => {
      await Promise.all(stops.map((stop) => stop()));
    });

    test("healthy: the scan fails nothing the files decide", () => {
      const failed = derivableScanFailures(scans.get("healthy")!);
      assert.deepEqual(failed, [], `the healthy ${name} stack fails:\n${show(failed)}`);
    });

    test("healthy: the audit reports no failure, and every warning it gives is true of the files", () => {
      const reported = audits.get("healthy")!.filter((c) => c.status !== "pass");
      const unexplained = reported.filter((c) => !(c.id in JUSTIFIED_ON_HEALTHY));
      assert.deepEqual(unexplained, [], `false alarms on the healthy ${name} stack:\n${show(reported)}`);
    });

    test("misconfigured: the scan fails the clause by design, and the audit names the cause", () => {
      const scan = scans.get("misconfigured")!;
      const audit = audits.get("misconfigured")!;
      assert.ok(
        scan.some((c) => c.clause === broken.clause && c.status === "fail"),
        `the scan passes ${broken.clause}:\n${show(scan)}`,
      );
      assert.ok(
        audit.some((c) => c.id === broken.auditRule && c.status === "fail"),
        `the audit has no failing ${broken.auditRule}:\n${show(audit)}`,
      );
    });

    if (server !== undefined)
      test("the scan names nginx, and the app server wherever it shows itself (its own address answers)", () => {
        for (const variant of APP_SERVER_VARIANTS) {
          const found = identified.get(variant);
          assert.equal(found?.proxy?.kind, "nginx", `${variant}: ${JSON.stringify(found)}`);
          // nginx replaces the app server's Server header: only a direct answer (--origin) can name it
          assert.equal(found.appServer?.kind, reachable.get(variant) ? server : undefined, variant);
        }
      });

    if (server !== undefined)
      test("misconfigured: the scheme fix names the app server's own option when it was identified, else each", () => {
        const fix = scans.get("misconfigured")!.find((c) => c.clause === "scheme")?.fix ?? "";
        assert.match(fix, /^nginx: /m);
        assert.doesNotMatch(fix, /^(caddy|haproxy|apache|traefik):/m);
        if (reachable.get("misconfigured")) {
          assert.match(fix, new RegExp(`^${server}: `, "m"));
          const others = ["gunicorn", "uvicorn", "daphne", "uwsgi", "waitress"].filter((k) => k !== server);
          for (const other of others) assert.doesNotMatch(fix, new RegExp(`^${other}:`, "m"));
        } else {
          assert.match(fix, /the app server was not identified/);
          assert.match(fix, new RegExp(`^${server}: `, "m"));
        }
      });

    test("misconfigured: every clause the scan fails is flagged by the audit", () => {
      assertScanFailuresFlagged({ scan: scans.get("misconfigured")!, audit: audits.get("misconfigured")! });
    });
  });
}

for (const server of APP_SERVERS) {
  agreement({
    name: `${server} behind nginx`,
    broken: BROKEN[server]!,
    server,
    async start(variant) {
      const stack = await startAppServerStack(server, variant);
      const { settings, proxyConfig, unit } = stack.files;
      return {
        scanArgs: jsonScanArgs(stack),
        reachable: stack.originUrl !== "",
        auditArgs: ["audit", "--settings", settings, "--nginx", proxyConfig, "--app-server", unit],
        stop: () => stack.stop(),
      };
    },
  });
}

// Django in-process under Apache: the audit reads the whole apache2.conf, which includes the site.
agreement({
  name: "mod_wsgi in Apache",
  broken: { clause: "spoofed-proto", auditRule: "contract-scheme-header-from-client" },
  async start(variant) {
    const stack = await startModWsgiStack(variant);
    return {
      scanArgs: jsonScanArgs(stack),
      reachable: false,
      auditArgs: ["audit", "--settings", stack.files.settings, "--apache", stack.files.apacheConfig],
      stop: () => stack.stop(),
    };
  },
});
