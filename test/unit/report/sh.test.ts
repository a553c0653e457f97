import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

/**
 * Runs a script with a stand-in `curl` first on PATH that prints `answer` for every request and logs its
 * arguments: the script's own shell (quoting, redirect following) is what these tests judge.
 */
function runWithCurl(text: string, answer: string): { requests: string } {
  const dir = mkdtempSync(join(tmpdir(), "proxytrust-sh-"));
  writeFileSync(join(dir, "answer"), answer);
  writeFileSync(join(dir, "curl"), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${dir}/log'\ncat '${dir}/answer'\n`, {
    mode: 0o755,
  });
  writeFileSync(join(dir, "smoke.sh"), text);
  spawnSync("/bin/dash", [join(dir, "smoke.sh")], { env: { PATH: `${dir}:/usr/bin:/bin` } });
  const requests = existsSync(join(dir, "log")) ? readFileSync(join(dir, "log"), "utf8") : "";
  rmSync(dir, { recursive: true, force: true });
  return { requests };
}

test("a URL holding shell syntax is data: $(…) in the path runs nothing", () => {
  const markerDir = mkdtempSync(join(tmpdir(), "proxytrust-sh-marker-"));
  const marker = join(markerDir, "ran");
  const httpsUrl = new URL(`https://app.test/$(touch$IFS${marker})/`).href;
  assert.ok(httpsUrl.includes("$("), "URL parsing keeps the shell syntax in the path");
  const text = formatSh({
    ...scanReport(),
    smokeTest: {
      ...SMOKE,
      httpsUrl,
      csrf: { ...SMOKE.csrf!, pagePath: `/$(touch$IFS${marker})/` },
      clauses: ["hsts", "csrf-origin"],
    },
  });
  const { requests } = runWithCurl(
    text,
    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>no form</p>\r\n",
  );
  assert.match(requests, /touch/, "the requests were sent");
  const ran = existsSync(marker);
  rmSync(markerDir, { recursive: true, force: true });
  assert.equal(ran, false);
});

test("redirects are followed on the site's own host only: a user-info or backslash Location is another host", () => {
  const text = formatSh({
    ...scanReport(),
    smokeTest: { ...SMOKE, csrf: undefined, clauses: ["https-redirect"] },
  });
  for (const location of [
    "http://app.test:1@elsewhere.test/stolen",
    "http://app.test\\@elsewhere.test/stolen",
    "https://elsewhere.test/",
    "https://APP.test:8443/next",
  ]) {
    const { requests } = runWithCurl(text, `HTTP/1.1 301 Moved Permanently\r\nLocation: ${location}\r\n\r\n`);
    assert.equal(requests.includes("elsewhere"), false, location);
    assert.ok(
      requests.includes(location.startsWith("https://APP") ? location : "http://app.test/"),
      location,
    );
  }
});
