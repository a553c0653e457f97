/**
 * The audit against the live scan (agreement.ts) on the real stacks the other end-to-end tests start
 * besides the proxy variants (audit-stacks.test.ts) and the app servers (app-servers.test.ts): PROXY
 * protocol listeners on nginx and HAProxy believing the load balancer or anyone, nginx in front of an
 * nginx origin over mutual TLS (ssl_verify_client on or optional), gunicorn serving clients itself over
 * TLS (with and without CsrfViewMiddleware), and the HAProxy that fixes.test.ts repairs. Each stack is
 * started once; on each, the scan check that tells the stacks apart and the audit rule that reads the
 * same mistake from the files must both flag it on the broken one and both pass on the sound one.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ALL_RULES } from "../../src/static/rules/index.js";
import { directTlsSiteArgs, startDirectApp } from "../../stacks/direct.js";
import { startStack } from "../../stacks/index.js";
import {
  startMtlsStack,
  startProxyProtocolStack,
  type ProxyProtocolStack,
  type ProxyProtocolTrust,
} from "../../stacks/links.js";
import { freePort } from "../../stacks/ports.js";
import {
  assertSameFailures,
  auditArgs,
  assertScanFailuresFlagged,
  scanAndAudit,
  show,
  type StackNotes,
  type Verdicts,
} from "./agreement.js";
import { jsonScanArgs } from "./run-cli.js";

/** What one case starts, how it is scanned and audited, and how it is stopped. */
interface Started {
  scan: string[];
  audit: string[];
  stop(): Promise<void>;
}

/** A scan check and the audit rule for the same mistake: both flag it ("flag") or both pass ("pass"). */
interface Pair {
  scan: string;
  audit: string;
  both: "flag" | "pass";
}

interface Case {
  name: string;
  start(): Promise<Started>;
  pairs: Pair[];
  notes?: StackNotes;
}

function proxyProtocolCase(proxy: "nginx" | "haproxy", trust: ProxyProtocolTrust, pairs: Pair[]): Case {
  return {
    name: `${proxy} PROXY protocol listener believing ${trust}`,
    async start() {
      const stack: ProxyProtocolStack = await startProxyProtocolStack(proxy, trust);
      const port = stack.proxyProtocolPort;
      return {
        scan: [
          ...jsonScanArgs(stack),
          "--connect-to",
          `${stack.siteHost}:${port}:${stack.address}:${port}`,
          "--proxy-protocol-port",
          String(port),
          "--probe-token",
          stack.probeToken,
        ],
        audit: auditArgs(stack, proxy),
        stop: stack.stop,
      };
    },
    pairs,
  };
}

function mtlsCase(verifyClient: "on" | "optional", both: Pair["both"]): Case {
  return {
    name: `nginx to an nginx origin over mutual TLS, ssl_verify_client ${verifyClient}`,
    async start() {
      const stack = await startMtlsStack(verifyClient);
      const origin = new URL(stack.originHttpsUrl);
      return {
        scan: [
          // The origin the scan is told of is the mTLS one, not the gunicorn behind it.
          ...jsonScanArgs({ ...stack, originUrl: stack.originHttpsUrl }),
          "--connect-to",
          `${origin.hostname}:${origin.port}:${stack.address}:${origin.port}`,
          "--client-cert",
          stack.proxyClientCert,
          "--client-key",
          stack.proxyClientKey,
          "--probe-token",
          stack.probeToken,
        ],
        audit: auditArgs(stack, "nginx"),
        stop: stack.stop,
      };
    },
    pairs: [{ scan: "origin-exposure-mtls", audit: "nginx-client-cert-optional", both }],
    notes: {
      decided: {
        "origin-exposure":
          "the only origin the scan is given is the nginx origin, which the proxy reaches over mutual TLS; whether it serves a client without the proxy's certificate is its ssl_verify_client line",
      },
    },
  };
}

/** gunicorn facing clients itself answers absolute-form targets for any host: gunicorn's code, not a setting. */
const GUNICORN_AT_THE_EDGE: StackNotes = {
  differences: {
    "host-header": {
      audit: "says nothing",
      why: "gunicorn faces the clients itself and serves an absolute-form request naming another host (GET https://other.example/ with Host: app.test) under the Host header's name, which ALLOWED_HOSTS accepts; that is how gunicorn reads a request line, not anything the settings or gunicorn.conf.py say",
    },
  },
};

function directCase(settings: "no_csrf" | "healthy_wsgi_scheme", both: Pair["both"]): Case {
  return {
    name: `gunicorn terminating TLS with no proxy, settings ${settings}`,
    async start() {
      const app = await startDirectApp({ tls: true, settings, schemeTrust: "nobody" });
      const closedPort = await freePort(app.address);
      return {
        scan: [
          "scan",
          ...directTlsSiteArgs(app, closedPort),
          "--probe-token",
          app.probeToken,
          "--format",
          "json",
        ],
        audit: ["--settings", app.files.settings, "--gunicorn", app.files.gunicornConfig],
        stop: app.stop,
      };
    },
    pairs: [{ scan: "csrf-origin", audit: "django-csrf-middleware", both }],
    notes: GUNICORN_AT_THE_EDGE,
  };
}

function underscoreCase(underscoreFix: string, both: Pair["both"]): Case {
  return {
    name: `HAProxy overwriting X-Forwarded-Proto with set-header, ${underscoreFix ? "and deleting" : "but not deleting"} X_Forwarded_Proto`,
    async start() {
      const stack = await startStack({
        proxy: "haproxy",
        variant: "passthrough",
        custom: {
          template: "fixes/haproxy-set-header.cfg",
          prepare: async () => ({ UNDERSCORE_FIX: underscoreFix }),
        },
      });
      return {
        scan: [...jsonScanArgs(stack), "--probe-token", stack.probeToken],
        audit: auditArgs(stack, "haproxy"),
        stop: stack.stop,
      };
    },
    pairs: [{ scan: "spoofed-proto", audit: "contract-scheme-header-from-client", both }],
  };
}

const CASES: Case[] = [
  proxyProtocolCase("nginx", "load-balancer", [
    { scan: "client-ip-proxy-protocol", audit: "nginx-real-ip-too-broad", both: "pass" },
    { scan: "client-ip-proxy-protocol", audit: "nginx-proxy-protocol-untrusted", both: "pass" },
  ]),
  proxyProtocolCase("nginx", "anyone", [
    { scan: "client-ip-proxy-protocol", audit: "nginx-real-ip-too-broad", both: "flag" },
  ]),
  proxyProtocolCase("haproxy", "load-balancer", [
    { scan: "client-ip-proxy-protocol", audit: "haproxy-accept-proxy-open", both: "pass" },
  ]),
  proxyProtocolCase("haproxy", "anyone", [
    { scan: "client-ip-proxy-protocol", audit: "haproxy-accept-proxy-open", both: "flag" },
  ]),
  mtlsCase("on", "pass"),
  mtlsCase("optional", "flag"),
  directCase("healthy_wsgi_scheme", "pass"),
  directCase("no_csrf", "flag"),
  underscoreCase("", "flag"),
  underscoreCase("    http-request del-header X_Forwarded_Proto", "pass"),
];

/** The scan lists every check it ran; the audit lists only findings, so a rule it does not list passed. */
function worst(checks: Verdicts["scan"], id: string): string | undefined {
  return ["fail", "warn", "error", "skip", "pass"].find((s) =>
    checks.some((c) => c.id === id && c.status === s),
  );
}

describe("audit agrees with the scan on the links, direct-app and repaired stacks", () => {
  const verdicts = new Map<string, Verdicts>();
  const running: Started[] = [];

  before(async () => {
    // One stack at a time: each is stopped as soon as both commands have run.
    for (const c of CASES) {
      const started = await c.start();
      running.push(started);
      verdicts.set(c.name, await scanAndAudit(c.name, started.scan, started.audit));
      await started.stop();
    }
  });
  after(() => Promise.all(running.map((s) => s.stop())));

  for (const c of CASES) {
    test(`${c.name}: every clause the scan fails is flagged by the audit`, () => {
      assertScanFailuresFlagged(verdicts.get(c.name)!, c.notes);
    });

    test(`${c.name}: scan and audit fail the same clauses (but the documented exceptions)`, () => {
      assertSameFailures(verdicts.get(c.name)!, c.notes);
    });

    test(`${c.name}: the check and the rule for the same mistake decide alike`, () => {
      const { scan, audit } = verdicts.get(c.name)!;
      for (const pair of c.pairs) {
        assert.ok(
          ALL_RULES.some((rule) => rule.meta.id === pair.audit),
          `no audit rule ${pair.audit}`,
        );
        const scanned = worst(scan, pair.scan) ?? "missing";
        const audited = worst(audit, pair.audit) ?? "pass";
        const context = `scan ${pair.scan}: ${scanned}, audit ${pair.audit}: ${audited}\nscan:\n${show(scan)}\naudit:\n${show(audit)}`;
        if (pair.both === "flag") {
          assert.equal(scanned, "fail", context);
          assert.ok(["fail", "warn"].includes(audited), context);
        } else {
          assert.equal(scanned, "pass", context);
          assert.equal(audited, "pass", context);
        }
      }
    });
  }
});
