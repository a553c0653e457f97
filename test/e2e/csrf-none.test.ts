/**
 * A real Django without CsrfViewMiddleware, served over TLS by gunicorn: no CSRF cookie anywhere, so no
 * token pair; a foreign-Origin POST without any token that the app accepts is a csrf-origin failure.
 * The same app with the middleware refuses that POST, and the clause is decided with a real token pair.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { directTlsSiteArgs, startDirectApp, type DirectApp } from "../../stacks/direct.js";
import { freePort } from "../../stacks/ports.js";
import { runCli, type JsonCheck } from "./run-cli.js";

async function csrfCheck(app: DirectApp, closedPort: number, extra: string[] = []): Promise<JsonCheck> {
  const result = await runCli(["scan", ...directTlsSiteArgs(app, closedPort), "--format", "json", ...extra]);
  assert.ok(result.stdout, result.stderr);
  const check = (JSON.parse(result.stdout) as { checks: JsonCheck[] }).checks.find(
    (c) => c.id === "csrf-origin",
  );
  assert.ok(check, result.stdout);
  return check;
}

for (const [settings, protectedByDjango] of [
  ["no_csrf", false],
  ["healthy_wsgi_scheme", true],
] as const) {
  describe(`csrf-origin on gunicorn with TLS, settings ${settings}`, () => {
    let app: DirectApp;
    let closedPort = 0;
    before(async () => {
      app = await startDirectApp({ tls: true, settings, schemeTrust: "nobody" });
      closedPort = await freePort(app.address);
    });
    after(() => app?.stop());

    test(
      protectedByDjango
        ? "with CsrfViewMiddleware the real token pair decides, and the clause passes"
        : "without CsrfViewMiddleware the home page's form is posted from a foreign Origin without a token, and accepted: fail",
      async () => {
        const check = await csrfCheck(app, closedPort);
        if (protectedByDjango) {
          assert.equal(check.status, "pass", check.summary);
        } else {
          assert.equal(check.status, "fail", check.summary);
          assert.match(
            check.summary,
            /^no CSRF protection: a POST to \/contact\/ \(the form on \/, no CSRF cookie with it\) from a foreign Origin, without any CSRF token or cookie, was accepted \(200\)/,
          );
        }
      },
    );

    test("a POST endpoint named with --csrf-post is the one tried", async () => {
      const check = await csrfCheck(app, closedPort, ["--csrf-path", "/healthz", "--csrf-post", "/contact/"]);
      if (protectedByDjango) {
        assert.equal(check.status, "skip", check.summary);
        assert.match(check.summary, /a tokenless POST from a foreign Origin to \/contact\/ was answered 403/);
        assert.doesNotMatch(check.summary, /use --csrf-path/);
      } else {
        assert.equal(check.status, "fail", check.summary);
        assert.match(
          check.summary,
          /a POST to \/contact\/ from a foreign Origin, without any CSRF token or cookie, was accepted \(200\)/,
        );
      }
    });
  });
}
