import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { shellQuote } from "../../../src/report/shell.js";
import { curlReplay } from "../../../src/scan/replay.js";
import { parseConnectTo } from "../../../src/transport/mapping.js";
import type { WireRequest } from "../../../src/transport/send.js";

const mappings = [parseConnectTo("app.test:443:127.9.9.9:8443")];
const settings = { mappings, insecure: false, caFile: "/tmp/ca dir/ca.pem" };

function request(extra: Partial<WireRequest> = {}): WireRequest {
  return {
    method: "GET",
    url: new URL("https://app.test/admin/login/?next=/"),
    headers: [
      ["Host", "app.test"],
      ["User-Agent", "proxytrust/0"],
    ],
    ...extra,
  };
}

function curl(extra: Partial<WireRequest> = {}, more: Partial<typeof settings> = {}): string {
  const replay = curlReplay(request(extra), { ...settings, ...more });
  assert.ok("curl" in replay, JSON.stringify(replay));
  return replay.curl;
}

/** The arguments a POSIX shell hands to curl for a replay line. */
function argv(line: string): string[] {
  const script = `set -- ${line.replace(/^curl /, "")}; for a in "$@"; do printf '%s\\0' "$a"; done`;
  const out = execFileSync("sh", ["-c", script], {
    env: { PROXYTRUST_PROBE_TOKEN: "tok en" },
    encoding: "utf8",
  });
  return out.split("\0").slice(0, -1);
}

test("a shell gives curl the headers in order, the mapping, the CA file and the URL, unchanged", () => {
  const args = argv(curl());
  assert.deepEqual(args.slice(-5), [
    "-H",
    "Host: app.test",
    "-H",
    "User-Agent: proxytrust/0",
    "https://app.test/admin/login/?next=/",
  ]);
  assert.equal(args[args.indexOf("--connect-to") + 1], "app.test:443:127.9.9.9:8443");
  assert.equal(args[args.indexOf("--cacert") + 1], "/tmp/ca dir/ca.pem");
  assert.ok(args.includes("--http1.1"));
});

test("values with quotes, dollars and backticks reach curl literally", () => {
  const hostile = `x'; rm -rf / #$(id)\`id\`"`;
  const args = argv(
    curl({
      headers: [
        ["Host", "app.test"],
        ["X-Forwarded-Host", hostile],
      ],
      body: `a='${hostile}'`,
      method: "POST",
    }),
  );
  assert.ok(args.includes(`X-Forwarded-Host: ${hostile}`));
  assert.equal(args[args.indexOf("--data-raw") + 1], `a='${hostile}'`);
  assert.equal(shellQuote("plain/path"), "plain/path");
});

test("the probe token is read from the environment, never written", () => {
  const line = curl({
    headers: [
      ["Host", "app.test"],
      ["X-Proxytrust-Token", "s3cret-token-value"],
    ],
  });
  assert.ok(!line.includes("s3cret"));
  assert.ok(argv(line).includes("X-Proxytrust-Token: tok en"));
});

test("absolute-form targets, empty headers, SNI apart from the URL and HEAD map to curl options", () => {
  const absolute = argv(curl({ requestTarget: "https://evil.invalid/" }));
  assert.equal(absolute[absolute.indexOf("--request-target") + 1], "https://evil.invalid/");
  assert.ok(
    argv(
      curl({
        headers: [
          ["Host", "app.test"],
          ["X-Empty", ""],
        ],
      }),
    ).includes("X-Empty;"),
  );
  const origin = argv(
    curl({ url: new URL("https://127.0.0.5:8000/"), servername: "app.test" }, { mappings: [] }),
  );
  assert.equal(origin.at(-1), "https://app.test:8000/");
  assert.equal(origin[origin.indexOf("--connect-to") + 1], "app.test:8000:127.0.0.5:8000");
  assert.ok(argv(curl({ method: "HEAD" })).includes("--head"));
  assert.ok(argv(curl({}, { insecure: true })).includes("-k"));
});

test("what curl cannot send is said, not turned into a different command", () => {
  const proxied = curlReplay(
    request({ preface: Buffer.from("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n") }),
    settings,
  );
  assert.match("cannotReplay" in proxied ? proxied.cannotReplay : "", /PROXY protocol/);
  const twoHosts = curlReplay(
    request({
      headers: [
        ["Host", "a"],
        ["Host", "b"],
      ],
    }),
    settings,
  );
  assert.match("cannotReplay" in twoHosts ? twoHosts.cannotReplay : "", /one Host header/);
  const certificate = curlReplay(request(), { ...settings, clientCertificate: true });
  assert.match("cannotReplay" in certificate ? certificate.cannotReplay : "", /client certificate/);
});
