/**
 * Property tests: whatever text arrives, loading and auditing it returns (errors and all)
 * without throwing, and adversarial shapes grow the work linearly, not quadratically.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { loadNginxText } from "../../../../src/static/nginx/loader.js";
import { parseNginx } from "../../../../src/static/nginx/parser.js";
import { routesToApp, forwardedHeader } from "../../../../src/static/nginx/routes.js";
import { nginxRules } from "../../../../src/static/rules/nginx/index.js";
import { fastestMs } from "../../fastest.js";

const SEEDS = [
  `http {
    map $http_x_forwarded_proto $p { default $scheme; https https; }
    set_real_ip_from 10.0.0.0/8;
    server {
      listen 443 ssl default_server proxy_protocol;
      server_name a.example.com;
      add_header Strict-Transport-Security "max-age=31536000" always;
      location / {
        proxy_set_header X-Forwarded-Proto $p;
        proxy_set_header Host $http_host;
        if ($http_x = "y") { set $v $arg_q; add_header X 1; }
        proxy_pass http://app;
      }
      location ~ ^/u(?<x>.*)$ { uwsgi_param HTTP_X_FORWARDED_FOR $proxy_add_x_forwarded_for; uwsgi_pass unix:/s; }
      content_by_lua_block { ngx.say("}") -- { [[ } ]] }
    }
  }`,
  `"events" { "worker_connections" "2048"; }\nlog_format x '{ "a": "$b" }' "c\\"d" \\#e;\ninclude missing/*.conf;`,
  "# configuration file /etc/nginx/nginx.conf:\nhttp { include /etc/nginx/conf.d/*.conf; }\n# configuration file /etc/nginx/conf.d/a.conf:\nserver { listen 80; location / { proxy_pass http://x; } }\n",
];

/** Characters that change the lexer's state, plus ordinary ones. */
const ALPHABET = [
  ..."{};\"'\\#$()[]=-\n\t ",
  ..."abcxyz_0123",
  "_by_lua_block",
  "proxy_pass",
  "include",
  "server",
];

const randomText = fc.array(fc.constantFrom(...ALPHABET), { maxLength: 400 }).map((parts) => parts.join(""));

const mutatedSeed = fc
  .tuple(
    fc.constantFrom(...SEEDS),
    fc.array(
      fc.tuple(fc.nat(), fc.nat({ max: 20 }), fc.array(fc.constantFrom(...ALPHABET), { maxLength: 6 })),
      {
        maxLength: 8,
      },
    ),
  )
  .map(([seed, edits]) =>
    edits.reduce((text, [at, remove, insert]) => {
      const position = at % (text.length + 1);
      return text.slice(0, position) + insert.join("") + text.slice(position + remove);
    }, seed),
  );

function auditEverything(text: string): void {
  const nginx = loadNginxText(text, "/fuzz/nginx.conf", { sysroot: "/nonexistent-fuzz-root" });
  for (const error of nginx.errors) {
    assert.ok(error.line >= 1, `line ${error.line} for ${error.message}`);
    assert.ok(error.message.length > 0);
  }
  for (const route of routesToApp(nginx)) forwardedHeader(route, "X-Forwarded-Proto");
  for (const rule of nginxRules) rule.check({ nginx });
}

describe("nginx parser properties", () => {
  it("loads and audits 10,000 random and mutated configs without throwing", () => {
    fc.assert(
      fc.property(fc.oneof(randomText, mutatedSeed), (text) => {
        auditEverything(text);
      }),
      { numRuns: 10_000, seed: 20260101 },
    );
  });

  it("reports every error line within the text", () => {
    fc.assert(
      fc.property(fc.oneof(randomText, mutatedSeed), (text) => {
        const lines = text.split("\n").length;
        for (const error of parseNginx(text, "f").errors)
          assert.ok(error.line <= lines, `${error.line} > ${lines}`);
      }),
      { numRuns: 2_000, seed: 7 },
    );
  });

  /** Each shape, at 2^17 repetitions, must finish well inside what a quadratic parser would need. */
  const adversarial: [string, (n: number) => string][] = [
    ["deep nesting", (n) => "a {".repeat(n)],
    ["unclosed quotes", (n) => `a ${'"'.repeat(n)}`],
    ["stray closing braces", (n) => "}".repeat(n)],
    ["variables with braces", (n) => `a ${"${x".repeat(n)};`],
    ["one huge statement", (n) => `proxy_pass ${"x\n".repeat(n)};`],
    ["escapes", (n) => `a "${"\\".repeat(n)}";`],
    ["lua long brackets", (n) => `content_by_lua_block { ${"[[ --[[ ".repeat(n)} }`],
    ["comments", (n) => "# {\n".repeat(n)],
    ["many servers", (n) => "server { listen 80; location / { proxy_pass http://a; } }\n".repeat(n / 16)],
    ["set chains", (n) => Array.from({ length: n / 16 }, (_, i) => `set $v${i} $v${i + 1};`).join("\n")],
  ];

  for (const [name, build] of adversarial) {
    it(`stays linear on ${name}`, () => {
      const time = (n: number) => {
        const text = build(n);
        return fastestMs(() => auditEverything(text));
      };
      time(1 << 12); // warm up the JIT
      const small = time(1 << 15);
      const large = time(1 << 17);
      // 4x the input: linear work is ~4x; quadratic would be ~16x. Generous for noisy shared machines.
      assert.ok(
        large < Math.max(small * 10, 400),
        `${name}: ${small.toFixed(1)} ms -> ${large.toFixed(1)} ms`,
      );
    });
  }
});
