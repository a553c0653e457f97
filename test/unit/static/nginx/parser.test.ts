import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseNginx } from "../../../../src/static/nginx/parser.js";
import type { NginxDirective } from "../../../../src/static/nginx/model.js";

function parse(text: string) {
  return parseNginx(text, "t.conf");
}

function shape(directives: NginxDirective[]): unknown[] {
  return directives.map((d) => (d.block ? [d.name, d.args, shape(d.block)] : [d.name, d.args]));
}

describe("nginx lexer and parser", () => {
  it("reads simple and block directives with their lines", () => {
    const { directives, errors } = parse("user www;\nhttp {\n  server {\n    listen 80;\n  }\n}\n");
    assert.deepEqual(errors, []);
    assert.deepEqual(shape(directives), [
      ["user", ["www"]],
      ["http", [], [["server", [], [["listen", ["80"]]]]]],
    ]);
    assert.equal(directives[1]!.block![0]!.block![0]!.line, 4);
  });

  it("unescapes quoted strings the way nginx does and keeps other backslashes", () => {
    const { directives } = parse(`return 200 "a\\"b \\n \\t \\\\ \\$x 'q'";`);
    assert.deepEqual(directives[0]!.args, ["200", "a\"b \n \t \\ \\$x 'q'"]);
    assert.deepEqual(parse("x 'it\\'s';").directives[0]!.args, ["it's"]);
  });

  it("starts a comment with # only where a token could start", () => {
    const { directives } = parse("a b#c d; # comment ;\n e '#f'; # g\n");
    assert.deepEqual(shape(directives), [
      ["a", ["b#c", "d"]],
      ["e", ["#f"]],
    ]);
  });

  it("does not open a block at ${var} and keeps a } inside a word or a quoted string", () => {
    const { directives, errors } = parse("try_files /a/${uri} /b;\nlog_format x '{ \"k\": 1 }' '}';");
    assert.deepEqual(errors, []);
    assert.deepEqual(shape(directives), [
      ["try_files", ["/a/${uri}", "/b"]],
      ["log_format", ["x", '{ "k": 1 }', "}"]],
    ]);
  });

  it("counts lines inside multi-line quoted strings", () => {
    const { directives } = parse('add_header X "a\nb\nc";\nlisten 80;');
    assert.equal(directives[1]!.line, 4);
  });

  it("treats if conditions with a quoted operand followed by ) as nginx does", () => {
    const { directives, errors } = parse('if ($http_origin !~ "^https://a\\.b$"){ return 403; }');
    assert.deepEqual(errors, []);
    assert.deepEqual(directives[0]!.args, ["($http_origin", "!~", "^https://a\\.b$", ")"]);
  });

  it("takes *_by_lua_block bodies as raw Lua, braces in strings and comments included", () => {
    const text = [
      "server {",
      "  content_by_lua_block {",
      '    ngx.say("{") -- }',
      "    local t = { [[ } ]] }",
      "  }",
      "  listen 80;",
      "}",
    ].join("\n");
    const { directives, errors } = parse(text);
    assert.deepEqual(errors, []);
    const [lua, listen] = directives[0]!.block!;
    assert.equal(lua!.name, "content_by_lua_block");
    assert.match(lua!.rawBody!, /ngx\.say\("\{"\) -- \}/);
    assert.deepEqual([listen!.name, listen!.line], ["listen", 6]);
  });

  it("reports a missing semicolon before } at the directive's line and keeps the rest", () => {
    const { directives, errors } = parse("location / {\n  proxy_pass http://a\n}\nlisten 80;");
    assert.deepEqual(
      errors.map((e) => [e.line, e.message]),
      [[2, '"proxy_pass" directive is not terminated by ";"']],
    );
    assert.deepEqual(shape(directives), [
      ["location", ["/"], [["proxy_pass", ["http://a"]]]],
      ["listen", ["80"]],
    ]);
  });

  it("splits a statement where a forgotten semicolon ran into the next known directive", () => {
    const { directives, errors } = parse(
      "location / {\n  proxy_pass http://a\n  proxy_set_header Host $host;\n}",
    );
    assert.equal(errors[0]!.line, 2);
    assert.deepEqual(shape(directives[0]!.block!), [
      ["proxy_pass", ["http://a"]],
      ["proxy_set_header", ["Host", "$host"]],
    ]);
  });

  it("reports an unexpected } and end of file inside a block with lines", () => {
    assert.deepEqual(
      parse("a;\n}\nb;").errors.map((e) => [e.line, e.message]),
      [[2, 'unexpected "}"']],
    );
    const eof = parse("http {\n  server {\n    listen 80;\n");
    assert.deepEqual(
      eof.errors.map((e) => [e.line, e.message]),
      [
        [
          4,
          'unexpected end of file, expecting "}": 2 block(s) left open; the innermost is "server" from line 2',
        ],
      ],
    );
    assert.equal(eof.directives[0]!.block![0]!.block![0]!.name, "listen");
  });

  it("reports an unterminated quoted string and text right after a closing quote", () => {
    assert.match(parse('a "b;\n').errors[0]!.message, /unexpected end of file in a double-quoted string/);
    const glued = parse('a "b"c;');
    assert.deepEqual(
      [glued.errors[0]!.line, glued.errors[0]!.message],
      [1, 'unexpected "c" after a quoted string'],
    );
  });

  it("caps deep nesting and the number of errors per file", () => {
    const deep = parse("a {".repeat(60) + "b;" + "}".repeat(60));
    assert.deepEqual(
      deep.errors.map((e) => e.message),
      ["blocks nested more than 50 deep; the inner ones are ignored"],
    );
    const noisy = parse("}\n".repeat(500));
    assert.equal(noisy.errors.length, 101);
    assert.equal(noisy.errors[100]!.message, "400 more errors not listed");
  });

  it("reports wrong argument counts and likely misspellings but not map entries", () => {
    const { errors } = parse("user;\nproxy_passs http://x;\nmap $a $b { proxy_passs 1; }\nlisten 80 { }");
    assert.deepEqual(
      errors.map((e) => [e.line, e.message]),
      [
        [1, 'invalid number of arguments in "user" directive'],
        [2, 'unknown directive "proxy_passs" (did you mean "proxy_pass"?)'],
        [4, 'directive "listen" cannot have a block'],
      ],
    );
  });
});
