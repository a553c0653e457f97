import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { test } from "node:test";
import { MAX_LINE_CHARS, parseLogLine, readLogRecords } from "../../../src/logs/records.js";
import { fastestMs } from "../fastest.js";
import { runLogs } from "../../../src/logs/run.js";
import { formatHtml } from "../../../src/report/format-html.js";
import { formatJunit } from "../../../src/report/format-junit.js";
import { buildSarif } from "../../../src/report/format-sarif.js";
import { formatText } from "../../../src/report/format-text.js";

const PROXY = "10.0.0.2";

/** One line as the middleware writes it (sorted keys), behind a gunicorn-style prefix. */
function line(
  path: string,
  scheme: "http" | "https",
  headers: Record<string, string>,
  extra: { host?: string | null; host_error?: string; remote_addr?: string } = {},
): string {
  const record = {
    headers: { HTTP_HOST: "app.example", ...headers },
    host: extra.host === undefined ? "app.example" : extra.host,
    host_error: extra.host_error ?? null,
    is_secure: scheme === "https",
    method: "GET",
    path,
    proxytrust_request: 1,
    remote_addr: extra.remote_addr ?? PROXY,
    scheme,
    scheme_error: null,
    wsgi_url_scheme: "http",
  };
  return `[2026-12-04 05:00:00 +0000] [7] [INFO] ${JSON.stringify(record)}`;
}

/** What a proxy that sets its own headers on every request hands Django. */
const proxied = (path: string, scheme: "http" | "https", more: Record<string, string> = {}) =>
  line(path, scheme, { HTTP_X_FORWARDED_PROTO: scheme, HTTP_X_FORWARDED_FOR: "203.0.113.9", ...more });

async function judge(lines: string[]) {
  const outcome = await runLogs(Readable.from(lines.join("\n")), "app.log");
  return { ...outcome, byId: Object.fromEntries(outcome.report.checks.map((c) => [c.id, c])) };
}

test("a request line is found behind any log prefix; other lines are not records", () => {
  const parsed = parseLogLine(proxied("/a/", "https"), 4);
  assert.ok(parsed && parsed !== "unreadable");
  assert.equal(parsed.line, 4);
  assert.equal(parsed.headers.HTTP_X_FORWARDED_PROTO, "https");
  assert.equal(parseLogLine("[INFO] Booting worker with pid: 7 {not json}", 1), null);
  assert.equal(parseLogLine('x {"proxytrust_request": 1, "broken', 2), "unreadable");
});

test("a line of nested braces before the key is refused in time linear in its length", () => {
  const hostile = (depth: number) => '{"a":'.repeat(depth) + '"proxytrust_request"';
  assert.equal(parseLogLine(hostile(1000), 1), "unreadable");
  // Depths well below where V8's JSON.parse itself slows down on nesting (past about 20,000 levels).
  const small = fastestMs(() => parseLogLine(hostile(500), 1), 8);
  const large = fastestMs(() => parseLogLine(hostile(8_000), 1));
  // 16 times the input: a quadratic search takes about 256 times as long; x64 leaves room for a loaded machine.
  assert.ok(large < 64 * small + 20, `16x input took ${large.toFixed(1)} ms vs ${small.toFixed(1)} ms`);
});

/** The log's bytes in pieces of `size`, as a file or pipe hands them over. */
function chunked(text: string, size: number): Readable {
  const bytes = Buffer.from(text);
  return Readable.from(
    (function* () {
      for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
    })(),
  );
}

test("lines end at \\n, \\r\\n or \\r, wherever the input is cut", async () => {
  const log = ["x", proxied("/a/", "https"), "y", proxied("/b/", "https"), "", proxied("/c/", "https")];
  const text = `${log[0]}\r\n${log[1]}\r${log[2]}\n${log[3]}\r\n${log[4]}\n${log[5]}`;
  for (const size of [1, 2, 7, 64 * 1024]) {
    const { records, unreadable } = await readLogRecords(chunked(text, size));
    assert.deepEqual(
      records.map((r) => [r.line, r.path]),
      [
        [2, "/a/"],
        [4, "/b/"],
        [6, "/c/"],
      ],
      `pieces of ${size}`,
    );
    assert.deepEqual(unreadable, []);
  }
});

test("a line too long to be a record is not held: unreadable when it holds the record key, else passed over", async () => {
  const long = proxied("/long/", "https", { HTTP_X_PADDING: "a".repeat(MAX_LINE_CHARS) });
  // The key comes after the headers (sorted keys): it is found in a line that is no longer held.
  const noKey = "a".repeat(MAX_LINE_CHARS + 1);
  const text = [proxied("/a/", "https"), long, noKey, proxied("/b/", "https")].join("\n");
  const { records, unreadable } = await readLogRecords(chunked(text, 64 * 1024 + 3));
  assert.deepEqual(
    records.map((r) => [r.line, r.path]),
    [
      [1, "/a/"],
      [4, "/b/"],
    ],
  );
  assert.deepEqual(unreadable, [2]);
});

test("healthy traffic: every result passes, with the counts", async () => {
  const { report, byId, couldNotRun } = await judge([
    "[INFO] Starting gunicorn",
    proxied("/", "https"),
    proxied("/admin/login/", "https"),
    proxied("/healthz", "http"),
  ]);
  assert.equal(couldNotRun, undefined);
  assert.equal(report.requests, 3);
  assert.deepEqual(
    report.checks.map((c) => [c.id, c.status]),
    [
      ["log-scheme", "pass"],
      ["log-client-headers", "pass"],
      ["log-disallowed-host", "pass"],
    ],
  );
  assert.match(byId["log-scheme"]!.summary, /all 3 requests/);
});

test("a client's X-Forwarded-Host that comes and goes is reported per path prefix with examples", async () => {
  const { byId } = await judge([
    proxied("/", "https"),
    proxied("/admin/login/", "https", { HTTP_X_FORWARDED_HOST: "evil.example" }),
    proxied("/admin/", "https", { HTTP_X_FORWARDED_HOST: "evil.example" }),
    proxied("/api/x", "https", { HTTP_X_FORWARDED_HOST: "evil.example" }),
  ]);
  const found = byId["log-client-x-forwarded-host"]!;
  assert.equal(found.status, "fail");
  assert.equal(found.clause, "forwarded-host");
  assert.match(found.summary, /on 3 of 4 requests .*\/admin\/: 2, \/api\/: 1/);
  assert.deepEqual(
    found.evidence.map((x) => x.request.url),
    ["/admin/login/", "/api/x"],
  );
  assert.deepEqual(found.location, { file: "app.log", line: 2 });
  assert.ok(found.fix);
});

test("a scheme header with a client's value ahead of the proxy's, and extra X-Forwarded-For entries", async () => {
  const { byId } = await judge([
    proxied("/", "https"),
    proxied("/", "http", { HTTP_X_FORWARDED_PROTO: "https, http" }),
    proxied("/", "https", { HTTP_X_FORWARDED_FOR: "198.51.100.23, 203.0.113.9" }),
  ]);
  assert.equal(byId["log-client-x-forwarded-proto"]!.status, "fail");
  assert.equal(byId["log-client-x-forwarded-for"]!.status, "warn");
  assert.equal(byId["log-client-x-forwarded-for"]!.clause, "client-ip");
});

test("Django seeing http on an https listener is a contradiction", async () => {
  const { byId } = await judge([
    proxied("/", "https"),
    line("/shop/", "http", { HTTP_X_FORWARDED_PROTO: "https" }),
  ]);
  const scheme = byId["log-scheme"]!;
  assert.equal(scheme.status, "fail");
  assert.match(scheme.summary, /1 of 2 requests .*\/shop\/: 1/);
});

test("without a scheme header the proxy always sets, the listener is unknown: skip, not pass", async () => {
  const { byId } = await judge([line("/", "http", {}), line("/", "https", {})]);
  assert.equal(byId["log-scheme"]!.status, "skip");
});

test("hosts outside ALLOWED_HOSTS are counted and named", async () => {
  const { byId } = await judge([
    proxied("/", "https"),
    proxied("/", "https", { HTTP_HOST: "203.0.113.80" }).replace('"host": "app.example"', '"host": null'),
    line(
      "/wp-login.php",
      "https",
      { HTTP_X_FORWARDED_PROTO: "https", HTTP_X_FORWARDED_FOR: "203.0.113.9", HTTP_HOST: "scan.example" },
      {
        host: null,
        host_error: "DisallowedHost: Invalid HTTP_HOST header: 'scan.example'.",
      },
    ),
  ]);
  const hosts = byId["log-disallowed-host"]!;
  assert.equal(hosts.status, "warn");
  assert.match(hosts.summary, /1 of 3 requests .*scan\.example/);
});

test("a log without request lines cannot be judged: exit 3 with the reason", async () => {
  const { couldNotRun, report } = await judge(["[INFO] Starting gunicorn", "[INFO] Listening"]);
  assert.match(couldNotRun ?? "", /no proxytrust request lines.*PROXYTRUST_PROBE_LOG=1/);
  assert.equal(report.checks.length, 0);
});

test("every report format carries the findings", async () => {
  const { report } = await judge([
    proxied("/", "https"),
    proxied("/a/", "https", { HTTP_X_REAL_IP: "1.2.3.4" }),
  ]);
  assert.match(formatText(report, { colour: false }), /WARN +log-client-x-real-ip +app\.log:2/);
  assert.match(formatHtml(report), /log-client-x-real-ip/);
  assert.match(formatJunit(report, { failOn: "warn" }), /log-client-x-real-ip/);
  const sarif = buildSarif(report, { cwd: "/srv" }) as { runs: { results: { ruleId: string }[] }[] };
  assert.deepEqual(
    sarif.runs[0]!.results.map((r) => r.ruleId),
    ["log-client-x-real-ip"],
  );
});
