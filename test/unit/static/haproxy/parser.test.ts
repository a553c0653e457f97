import { test } from "node:test";
import assert from "node:assert/strict";
import { loadHaproxyConfig, parseHaproxyConfig } from "../../../../src/static/haproxy/model.js";
import { conditionOutcome, defaultsOf, modeOf, optionOf } from "../../../../src/static/haproxy/queries.js";

const FILE = "/virtual/haproxy.cfg";

test("sections, keywords, args and lines", () => {
  const config = parseHaproxyConfig(
    "global\n  maxconn 10 # comment\n\ndefaults web\n  mode http\nfrontend www from web\n  bind :80,:8080\n  default_backend app\nbackend app\n  server a 127.0.0.1:8000 check\n",
    FILE,
  );
  assert.deepEqual(config.errors, []);
  assert.deepEqual(
    config.sections.map((s) => [s.kind, s.name, s.from, s.line]),
    [
      ["global", undefined, undefined, 1],
      ["defaults", "web", undefined, 4],
      ["frontend", "www", "web", 6],
      ["backend", "app", undefined, 9],
    ],
  );
  assert.deepEqual(
    config.sections[0]?.directives.map((d) => [d.keyword, d.args, d.line]),
    [["maxconn", ["10"], 2]],
  );
});

test("quotes, escapes and comments split words as HAProxy does", () => {
  const config = parseHaproxyConfig(
    [
      "frontend f",
      `  http-request set-header X-A "a b \\"q\\" # kept"`,
      "  http-request set-header X-B 'it''s $HOME \\n'",
      "  http-request set-header X-C a\\ b\\#c#comment",
      `  http-request set-header X-D pre"mid dle"post`,
      `  http-request set-header X-E "\${APP} $APP $UNSET"`,
    ].join("\n"),
    FILE,
    { env: { APP: "demo" } },
  );
  assert.deepEqual(config.errors, []);
  assert.deepEqual(
    config.sections[0]?.directives.map((d) => d.args[2]),
    ['a b "q" # kept', "its $HOME \\n", "a b#c", "premid dlepost", "demo demo $UNSET"],
  );
});

test("outside quotes too, a backslash before a character it does not escape stays (regexes, back-references)", () => {
  const config = parseHaproxyConfig(
    "frontend f\n  http-response replace-header X-A ^(max-age=[0-9]+)\\.* \\1;\\ preload\n",
    FILE,
  );
  assert.deepEqual(config.errors, []);
  assert.deepEqual(config.sections[0]?.directives[0]?.args.slice(2), [
    "^(max-age=[0-9]+)\\.*",
    "\\1; preload",
  ]);
});

test("conditions: if/unless, anonymous ACLs, negation, || and or", () => {
  const config = parseHaproxyConfig(
    "frontend f\n  acl tls ssl_fc\n  redirect scheme https if !{ ssl_fc } || !tls or { path /x } host_ok\n  acl weird path if\n",
    FILE,
  );
  assert.deepEqual(config.errors, []);
  const [acl, redirect, aclWithIf] = config.sections[0]?.directives ?? [];
  assert.deepEqual(acl?.args, ["tls", "ssl_fc"]);
  assert.deepEqual(redirect?.args, ["scheme", "https"]);
  assert.deepEqual(redirect?.condition, {
    polarity: "if",
    alternatives: [
      [{ negated: true, anonymous: ["ssl_fc"] }],
      [{ negated: true, acl: "tls" }],
      [
        { negated: false, anonymous: ["path", "/x"] },
        { negated: false, acl: "host_ok" },
      ],
    ],
  });
  assert.deepEqual(aclWithIf?.args, ["weird", "path", "if"]);
  assert.equal(aclWithIf?.condition, undefined);
});

test("ssl_fc conditions on TLS and on plain traffic", () => {
  const config = parseHaproxyConfig(
    "frontend f\n  acl tls ssl_fc\n  x if { ssl_fc }\n  x unless { ssl_fc }\n  x if !{ ssl_fc }\n  x unless !tls\n  x if tls { path /a }\n  x\n",
    FILE,
  );
  const section = config.sections[0];
  assert.ok(section);
  const on = (traffic: "tls" | "plain") =>
    section.directives.slice(1).map((d) => conditionOutcome(section, d.condition, traffic).kind);
  assert.deepEqual(on("tls"), ["always", "never", "never", "always", "request", "always"]);
  assert.deepEqual(on("plain"), ["never", "always", "always", "never", "never", "always"]);
});

test("defaults inheritance: last preceding defaults, named with from, and no option", () => {
  const config = parseHaproxyConfig(
    "defaults a\n  mode http\n  option forwardfor\ndefaults b\n  timeout client 1s\nfrontend f1\n  bind :1\nfrontend f2 from a\n  bind :2\nbackend b1 from a\n  no option forwardfor\n",
    FILE,
  );
  const [, , f1, f2, b1] = config.sections;
  assert.ok(f1 && f2 && b1);
  assert.equal(defaultsOf(config, f1)?.name, "b");
  assert.equal(modeOf(config, f1), "tcp");
  assert.equal(modeOf(config, f2), "http");
  assert.equal(optionOf(config, f2, "forwardfor")?.line, 3);
  assert.equal(optionOf(config, b1, "forwardfor"), undefined);
});

test("bad input gives errors with file and line", () => {
  const cases: [string, RegExp, number][] = [
    ["maxconn 10\n", /before any section/, 1],
    ['frontend f\n  http-request set-header X "open\n', /unterminated " quote/, 2],
    ["frontend f\n  http-request deny \\\n    if TRUE\n", /no line continuation/, 2],
    ["frontend f\n  http-request deny if { ssl_fc\n", /no closing '}'/, 2],
    ["frontend f\n  http-request deny if\n", /missing or incomplete/, 2],
    ["frontend f\n  http-request deny if a || \n", /missing or incomplete/, 2],
    ["a\0b", /NUL bytes/, 1],
  ];
  for (const [text, message, line] of cases) {
    const config = parseHaproxyConfig(text, FILE);
    const error = config.errors.find((e) => message.test(e.message));
    assert.ok(
      error,
      `${JSON.stringify(text)} should report ${message}, got ${JSON.stringify(config.errors)}`,
    );
    assert.equal(error.line, line);
    assert.equal(error.file, FILE);
  }
});

test("several files load in order into one config; an unreadable one is an error", () => {
  const config = loadHaproxyConfig(["/nonexistent/a.cfg", "/nonexistent/b.cfg"]);
  assert.deepEqual(
    config.errors.map((e) => [e.file, /cannot read file/.test(e.message)]),
    [
      ["/nonexistent/a.cfg", true],
      ["/nonexistent/b.cfg", true],
    ],
  );
});
