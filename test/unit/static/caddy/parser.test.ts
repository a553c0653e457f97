import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  loadCaddyfile,
  parseCaddyfile,
  walkDirectives,
  type CaddyConfig,
} from "../../../../src/static/caddy/model.js";
import { cpuMsSince } from "../../fastest.js";

const FILE = "/virtual/Caddyfile";

function names(config: CaddyConfig): string[] {
  return config.sites.flatMap((s) => [...walkDirectives(s.directives)].map((d) => d.name));
}

test("global options block, several addresses, nested blocks and lines", () => {
  const config = parseCaddyfile(
    "{\n\temail a@b.c\n}\n\nhttp://a.example.com, b.example.com:8443 :9000 {\n\treverse_proxy /api/* app:8000 {\n\t\theader_up X-Id 1\n\t}\n}\n",
    FILE,
  );
  assert.deepEqual(config.errors, []);
  assert.deepEqual(
    config.globalOptions.map((d) => [d.name, d.args, d.line]),
    [["email", ["a@b.c"], 2]],
  );
  const [site] = config.sites;
  assert.ok(site);
  assert.deepEqual(
    site.addresses.map((a) => [a.scheme, a.host, a.port]),
    [
      ["http", "a.example.com", undefined],
      ["https", "b.example.com", "8443"],
      ["http", "", "9000"],
    ],
  );
  const [proxy] = site.directives;
  assert.deepEqual([proxy?.name, proxy?.args, proxy?.line], ["reverse_proxy", ["/api/*", "app:8000"], 6]);
  assert.deepEqual(
    proxy?.block?.map((d) => [d.name, d.args, d.line]),
    [["header_up", ["X-Id", "1"], 7]],
  );
});

test("quotes, backticks, escaped quotes, comments and line continuation", () => {
  const config = parseCaddyfile(
    'a.com {\n\trespond "say \\"hi\\" # not a comment" 200 # comment\n\theader X `raw "q"`\n\tredir /x \\\n\t\t/y\n\tlog#notcomment\n}\n',
    FILE,
  );
  assert.deepEqual(config.errors, []);
  const directives = config.sites[0]?.directives ?? [];
  assert.deepEqual(
    directives.map((d) => [d.name, d.args, d.line]),
    [
      ["respond", ['say "hi" # not a comment', "200"], 2],
      ["header", ["X", 'raw "q"'], 3],
      ["redir", ["/x", "/y"], 4],
      ["log#notcomment", [], 6],
    ],
  );
});

test("a quoted token spanning lines keeps the following tokens on its logical line", () => {
  const config = parseCaddyfile('a.com {\n\trespond "multi\nline" 200\n\tlog\n}\n', FILE);
  assert.deepEqual(
    config.sites[0]?.directives.map((d) => [d.name, d.args, d.line]),
    [
      ["respond", ["multi\nline", "200"], 2],
      ["log", [], 4],
    ],
  );
});

test("heredocs keep their body and strip the closing marker's indentation", () => {
  const config = parseCaddyfile(
    "a.com {\n\trespond <<HTML\n\t\t<p>hi</p>\n\t\t  x\n\t\tHTML 200\n\tlog\n}\n",
    FILE,
  );
  assert.deepEqual(config.errors, []);
  assert.deepEqual(
    config.sites[0]?.directives.map((d) => [d.name, d.args]),
    [
      ["respond", ["<p>hi</p>\n  x", "200"]],
      ["log", []],
    ],
  );
  const unclosed = parseCaddyfile("a.com {\n\trespond <<EOF\nnever closed\n", FILE);
  assert.match(unclosed.errors.map((e) => e.message).join(";"), /heredoc <<EOF has no closing EOF/);
});

test("env placeholders use the given env, then the default, else stay as written", () => {
  const text = "{$HOST:fallback.example.com} {\n\treverse_proxy {$UPSTREAM} {$OTHER}\n}\n";
  const withEnv = parseCaddyfile(text, FILE, { env: { UPSTREAM: "app:8000" } });
  assert.equal(withEnv.sites[0]?.addresses[0]?.host, "fallback.example.com");
  assert.deepEqual(withEnv.sites[0]?.directives[0]?.args, ["app:8000", "{$OTHER}"]);
});

test("snippets are expanded with {args.N} and {args[N]}, at their import's place", () => {
  const config = parseCaddyfile(
    "(up) {\n\treverse_proxy {args.0} {args[1]}\n}\na.com {\n\tencode gzip\n\timport up one:1 two:2\n\tlog\n}\n",
    FILE,
  );
  assert.deepEqual(config.errors, []);
  assert.deepEqual(
    config.sites[0]?.directives.map((d) => [d.name, d.args, d.line]),
    [
      ["encode", ["gzip"], 5],
      ["reverse_proxy", ["one:1", "two:2"], 2],
      ["log", [], 7],
    ],
  );
});

test("a file with a single site may leave out the braces", () => {
  const config = parseCaddyfile("localhost:8080\n\nreverse_proxy app:8000\nencode gzip\n", FILE);
  assert.deepEqual(config.errors, []);
  assert.equal(config.sites.length, 1);
  assert.deepEqual(names(config), ["reverse_proxy", "encode"]);
});

test("file imports follow globs relative to the importing file and report cycles", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "caddy-import-"));
  writeFileSync(path.join(dir, "Caddyfile"), "import conf.d/*.caddy\nimport loop.caddy\n");
  writeFileSync(path.join(dir, "loop.caddy"), "import Caddyfile\n");
  mkdirSync(path.join(dir, "conf.d"));
  writeFileSync(path.join(dir, "conf.d", "b.caddy"), "b.example.com {\n\trespond b\n}\n");
  writeFileSync(path.join(dir, "conf.d", "a.caddy"), "a.example.com {\n\trespond a\n}\n");
  const config = loadCaddyfile(path.join(dir, "Caddyfile"));
  assert.deepEqual(
    config.sites.map((s) => [s.addresses[0]?.host, path.basename(s.file), s.line]),
    [
      ["a.example.com", "a.caddy", 1],
      ["b.example.com", "b.caddy", 1],
    ],
  );
  assert.equal(config.errors.length, 1);
  assert.match(config.errors[0]?.message ?? "", /import cycle/);
  assert.equal(path.basename(config.errors[0]?.file ?? ""), "loop.caddy");
});

test("bad input gives errors with file and line, not exceptions", () => {
  const cases: [string, RegExp, number][] = [
    ["a.com {\n\treverse_proxy app\n", /no closing }/, 1],
    ['a.com {\n\trespond "open\n}\n', /unterminated " quote/, 2],
    ["a.com {\n}\n}\n", /unexpected }/, 3],
    ["a.com {\n\timport missing_snippet\n}\n", /no snippet or file/, 2],
    ["a.com {\n\trespond x\n}\nb.com\nlog\n", /needs \{ \}/, 4],
    ["a\0b", /NUL bytes/, 1],
    ["(a) {\n\timport a\n}\nx.com {\n\timport a\n}\n", /import cycle/, 2],
  ];
  for (const [text, message, line] of cases) {
    const config = parseCaddyfile(text, FILE);
    const error = config.errors.find((e) => message.test(e.message));
    assert.ok(
      error,
      `${JSON.stringify(text)} should report ${message}, got ${JSON.stringify(config.errors)}`,
    );
    assert.equal(error.line, line, JSON.stringify(text));
    assert.equal(error.file, FILE);
  }
});

test("an unreadable file is an error, not an exception", () => {
  const config = loadCaddyfile("/nonexistent/Caddyfile");
  assert.equal(config.errors.length, 1);
  assert.match(config.errors[0]?.message ?? "", /cannot read file/);
});

test("exponential snippet fan-out stops with an error", () => {
  const fourImports = (n: number) => `\timport s${n}\n`.repeat(4);
  const levels = Array.from({ length: 12 }, (_, n) => `(s${n + 1}) {\n${fourImports(n)}}\n`);
  const text = `(s0) {\n\tlog\n}\n${levels.join("")}a.com {\n\timport s12\n}\n`;
  const start = process.cpuUsage();
  const config = parseCaddyfile(text, FILE);
  assert.ok(config.errors.some((e) => /expand to more than/.test(e.message)));
  assert.ok(cpuMsSince(start) < 5000);
});

test("deep nesting is reported instead of exhausting the stack", () => {
  const text = "a.com {\n" + "x {\n".repeat(50_000);
  const config = parseCaddyfile(text, FILE);
  assert.ok(config.errors.some((e) => /nested deeper/.test(e.message)));
});

test("any Unicode space separates tokens (a punctuation space once stalled the lexer)", () => {
  const config = parseCaddyfile("a.com\u2008b.com\u00a0{\n\tlog\n}\n", FILE);
  assert.deepEqual(
    config.sites[0]?.addresses.map((a) => a.host),
    ["a.com", "b.com"],
  );
});

test("an import's wildcard may stand in a directory; a last segment starting with * leaves dot files out; two wildcards are refused", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "caddy-import-"));
  for (const site of ["shop", "blog"]) {
    mkdirSync(path.join(dir, "sites", site), { recursive: true });
    writeFileSync(
      path.join(dir, "sites", site, "Caddyfile"),
      `${site}.example.com {\n\treverse_proxy app:8000\n}\n`,
    );
  }
  writeFileSync(path.join(dir, "sites", "shop", ".draft.caddy"), "draft.example.com {\n\trespond x\n}\n");
  writeFileSync(path.join(dir, "sites", "shop", "extra.caddy"), "extra.example.com {\n\trespond x\n}\n");
  writeFileSync(
    path.join(dir, "Caddyfile"),
    "import sites/*/Caddyfile\nimport sites/shop/*.caddy\nimport sites/*/*.caddy\n",
  );
  const config = loadCaddyfile(path.join(dir, "Caddyfile"));
  assert.deepEqual(
    config.sites.map((site) => site.addresses[0]?.host),
    ["blog.example.com", "shop.example.com", "extra.example.com"],
  );
  assert.deepEqual(
    config.errors.map((e) => [e.line, e.message]),
    [[3, "import sites/*/*.caddy: Caddy allows one wildcard in a pattern"]],
  );
});

test("an import pattern Go cannot read is an error; a missing file whose name has a `]` only warns in Caddy", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "caddy-import-"));
  writeFileSync(
    path.join(dir, "Caddyfile"),
    "import sites/[x.caddy\nimport sites/a\\\nimport sites/x].caddy\n",
  );
  const config = loadCaddyfile(path.join(dir, "Caddyfile"));
  assert.deepEqual(
    config.errors.map((e) => [e.line, e.message]),
    [
      [1, "import sites/[x.caddy: syntax error in pattern"],
      [2, "import sites/a\\: syntax error in pattern"],
    ],
  );
});
