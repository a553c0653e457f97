import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { formatSh } from "../../../src/report/format-sh.js";
import type { SmokeTest } from "../../../src/report/model.js";
import { scanReport } from "./fixtures.js";

const SMOKE: SmokeTest = {
  siteHost: "app.test",
  httpsUrl: "https://app.test:8443/shop/",
  httpUrl: "http://app.test/shop/",
  httpChainStart: "http://app.test/shop/?proxytrust=1",
  curlOptions: ["--connect-to", "app.test:8443:127.0.0.9:4443", "--cacert", "/tmp/it's a dir/$HOME/ca.pem"],
  foreignHost: "proxytrust-foreign.invalid",
  csrf: {
    pagePath: "/accounts/login/",
    postPath: "/accounts/login/?next=/a'b",
    probes: [
      { label: "own-origin", header: "Origin", value: "https://app.test:8443", expect: "accept" },
      {
        label: "foreign-referer",
        header: "Referer",
        value: "https://x.invalid/'$(id)`id`",
        expect: "refuse",
      },
    ],
  },
  healthPaths: [{ path: "/healthz", named: true }],
  clauses: ["https-redirect", "hsts", "host-header", "csrf-origin", "health-exempt"],
};

function script(): string {
  return formatSh({ ...scanReport(), smokeTest: SMOKE });
}

test("the script is valid POSIX shell for dash, with one function per clause, called in order", () => {
  const dir = mkdtempSync(join(tmpdir(), "proxytrust-sh-"));
  const path = join(dir, "smoke.sh");
  writeFileSync(path, script());
  execFileSync("/bin/dash", ["-n", path]);
  const calls = script()
    .split("\n")
    .filter((line) => /^check_\w+$/.test(line));
  assert.deepEqual(calls, [
    "check_https_redirect",
    "check_hsts",
    "check_host_header",
    "check_csrf_origin",
    "check_health_exempt",
  ]);
});

test("values from the scan reach curl literally, never expanded by the shell", () => {
  const text = script();
  assert.ok(text.includes(`'/tmp/it'\\''s a dir/$HOME/ca.pem'`));
  assert.ok(text.includes(`'Referer: https://x.invalid/'\\''$(id)\`id\`'`));
});

test("only the clauses the scan decided are re-run", () => {
  const text = formatSh({ ...scanReport(), smokeTest: { ...SMOKE, csrf: undefined, clauses: ["hsts"] } });
  assert.match(text, /^check_hsts$/m);
  assert.doesNotMatch(text, /check_csrf_origin|check_host_header/);
});
