/**
 * The app server reached around the proxy, on real servers on loopback: gunicorn left open on its
 * usual port next to a healthy nginx stack (--origin-candidates), and gunicorn terminating TLS
 * itself with certfile/keyfile (TLS passthrough, the scheme result and the audit).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { directTlsSiteArgs, startDirectApp, type DirectApp } from "../../stacks/direct.js";
import { freePort } from "../../stacks/ports.js";
import { startStack, type RunningStack } from "../../stacks/index.js";
import { runCli, type JsonCheck } from "./run-cli.js";

async function scanChecks(args: string[]): Promise<Map<string, JsonCheck>> {
  const result = await runCli(["scan", ...args, "--format", "json"]);
  assert.ok(result.stdout, result.stderr);
  const report = JSON.parse(result.stdout) as { checks: JsonCheck[] };
  return new Map(report.checks.map((c) => [c.id, c]));
}

describe("--origin-candidates on a healthy nginx stack's address, gunicorn left open on 8000", () => {
  let stack: RunningStack;
  let open: DirectApp;
  before(async () => {
    stack = await startStack({ proxy: "nginx", variant: "healthy" });
    // gunicorn's default forwarded_allow_ips (127.0.0.1) takes the scanner for the proxy.
    open = await startDirectApp({
      tls: false,
      address: stack.address,
      port: 8000,
      settings: "healthy_wsgi_scheme",
      schemeTrust: "gunicorn-default",
    });
  });
  after(() => Promise.all([open?.stop(), stack?.stop()]));

  test("the open port is reported with what it trusts, the closed ones in one line", async () => {
    const checks = await scanChecks([...stack.scanArgs, "--origin-candidates", stack.address]);
    const check = checks.get("origin-exposure");
    assert.equal(check?.status, "fail", check?.summary);
    const at = stack.address.replaceAll(".", "\\.");
    assert.match(
      check!.summary,
      new RegExp(`app server at http://${at}:8000/ answers anyone and believes their scheme headers`),
    );
    assert.match(
      check!.summary,
      /not reachable on the usual app-server ports: 8080 \(connection refused\), 8001 \(connection refused\), 5000 \(connection refused\), 3031 \(connection refused\), 8443 \(connection refused\)$/,
    );
    assert.doesNotMatch(checks.get("scheme")!.summary, /terminates TLS itself/);
  });

  test("several --origin: each judged; the stack's own gunicorn trusts only the proxy's address", async () => {
    const check = (
      await scanChecks([...stack.scanArgs, "--origin", stack.originUrl, "--origin", open.url])
    ).get("origin-exposure");
    assert.equal(check?.status, "fail", check?.summary);
    assert.match(check!.summary, new RegExp(`${stack.originUrl}/ is reachable directly, but ignored`));
    assert.match(check!.summary, new RegExp(`${open.url} answers anyone`));
  });

  test("--origin-candidates that is not a host is a usage error", async () => {
    const result = await runCli(["scan", "https://app.test/", "--origin-candidates", "http://x:1/"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--origin-candidates 'http:\/\/x:1\/': expected a host name or address/);
  });
});

describe("gunicorn terminating TLS itself (certfile/keyfile), no proxy", () => {
  let app: DirectApp;
  let closedPort = 0;
  before(async () => {
    app = await startDirectApp({
      tls: true,
      settings: "healthy_wsgi_scheme",
      schemeTrust: "nobody",
    });
    closedPort = await freePort(app.address);
  });
  after(() => app?.stop());

  const siteArgs = () => directTlsSiteArgs(app, closedPort);

  test("scan: the https origin presents the site's certificate and answers as gunicorn", async () => {
    const checks = await scanChecks([...siteArgs(), "--origin", app.url]);
    const scheme = checks.get("scheme");
    assert.equal(scheme?.status, "pass", scheme?.summary);
    assert.match(scheme!.summary, /HTTPS was seen as https/);
    assert.match(
      scheme!.summary,
      new RegExp(
        `the app terminates TLS itself: the app server at ${app.url} presents the certificate clients get`,
      ),
    );
  });

  test("audit of the files gunicorn runs: SECURE_PROXY_SSL_HEADER next to certfile is warned, unset it is not", async () => {
    const ruleStatus = async (settings: string) => {
      const result = await runCli([
        "audit",
        "--settings",
        settings,
        "--gunicorn",
        app.files.gunicornConfig,
        "--format",
        "json",
      ]);
      const report = JSON.parse(result.stdout) as { checks: JsonCheck[] };
      return report.checks.find((c) => c.id === "contract-proxy-ssl-header-with-gunicorn-tls");
    };
    // The app's own settings leave the header unset (healthy_wsgi_scheme.py); healthy.py, its base, sets it.
    assert.equal(await ruleStatus(app.files.settings), undefined, "only findings are listed");
    const withHeader = await ruleStatus(app.files.settings.replace(/healthy_wsgi_scheme\.py$/, "healthy.py"));
    assert.equal(withHeader?.status, "warn", withHeader?.summary);
    assert.match(withHeader!.summary, /gunicorn terminates TLS itself \(certfile, \S+gunicorn\.conf\.py:2\)/);
  });

  test("scan without an https origin claims nothing about who terminates TLS", async () => {
    const checks = await scanChecks(siteArgs());
    assert.doesNotMatch(checks.get("scheme")!.summary, /terminates TLS/);
  });
});
