/**
 * The parser and rules against real configurations: nginx's crossplane test configs, gixy's
 * plugin fixtures and the nginx configs shipped by public Django projects (../shared/corpus).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CORPUS as corpus, corpusMissing } from "../../../corpus.js";
import { loadNginxConfig, loadNginxText } from "../../../../src/static/nginx/loader.js";
import { parseNginx } from "../../../../src/static/nginx/parser.js";
import type { NginxConfig, NginxDirective } from "../../../../src/static/nginx/model.js";
import { droppedResponseHeaders, forwardedHeader, routesToApp } from "../../../../src/static/nginx/routes.js";
import { configErrors } from "../../../../src/static/rules/config-errors.js";
import { nginxRules as nginxOwnRules } from "../../../../src/static/rules/nginx/index.js";

/** The nginx rules plus the reading problems every audit reports. */
const nginxRules = [...nginxOwnRules, configErrors];
import { hostFromClient } from "../../../../src/static/rules/nginx/host-from-client.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
const crossplane = path.join(corpus, "nginxinc__crossplane/tests/configs");
const gixy = path.join(corpus, "yandex__gixy/tests/plugins/simply");
/** Absolute includes (/etc/nginx/mime.types) must not be read from the machine running the tests. */
const NO_SYSROOT = { sysroot: path.join(repoRoot, "nonexistent-sysroot") };

function filesUnder(dir: string, suffix: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(suffix))
    .map((name) => path.join(dir, name))
    .sort();
}

function errorsOf(config: NginxConfig): [string, number, string][] {
  return config.errors.map((e) => [path.relative(crossplane, e.file), e.line, e.message]);
}

function find(directives: NginxDirective[], name: string): NginxDirective[] {
  return directives.flatMap((d) => [...(d.name === name ? [d] : []), ...find(d.block ?? [], name)]);
}

describe("crossplane test configs", { skip: corpusMissing }, () => {
  const load = (relative: string) => loadNginxConfig(path.join(crossplane, relative), NO_SYSROOT);

  it("parses every file on its own without throwing", () => {
    const files = filesUnder(crossplane, ".conf");
    assert.ok(files.length >= 25, `only ${files.length} crossplane configs found`);
    for (const file of files) {
      const parsed = parseNginx(readFileSync(file, "latin1"), file);
      assert.ok(Array.isArray(parsed.directives), file);
    }
  });

  it("reads the well-formed main configs without errors", async () => {
    const clean = [
      "comments-between-args",
      "directive-with-space",
      "empty-value-map",
      "includes-globbed",
      "lua-block-larger",
      "lua-block-simple",
      "lua-block-tricky",
      "messy",
      "non-unicode",
      "quoted-right-brace",
      "russian-text",
      "simple",
      "with-comments",
    ];
    for (const name of clean) assert.deepEqual(errorsOf(await load(`${name}/nginx.conf`)), [], name);
  });

  it("reports each deliberately broken config with its error and line", async () => {
    const expected: [string, [string, number, RegExp][]][] = [
      [
        "bad-args/nginx.conf",
        [["bad-args/nginx.conf", 1, /invalid number of arguments in "user" directive/]],
      ],
      [
        "missing-semicolon/broken-above.conf",
        [["missing-semicolon/broken-above.conf", 4, /"proxy_pass" directive is not terminated by ";"/]],
      ],
      [
        "missing-semicolon/broken-below.conf",
        [["missing-semicolon/broken-below.conf", 7, /"proxy_pass" directive is not terminated by ";"/]],
      ],
      [
        "spelling-mistake/nginx.conf",
        [["spelling-mistake/nginx.conf", 7, /unknown directive "proxy_passs"/]],
      ],
      // nginx wants a separator after a closing quote; crossplane is laxer here than nginx.
      [
        "quote-behavior/nginx.conf",
        [
          ["quote-behavior/nginx.conf", 1, /unexpected "-" after a quoted string/],
          ["quote-behavior/nginx.conf", 2, /unexpected "l" after a quoted string/],
        ],
      ],
      // foo.conf and bar.conf resolve against the main file's directory: only foo.conf exists there.
      [
        "includes-regular/nginx.conf",
        [["includes-regular/conf.d/server.conf", 5, /cannot include "bar\.conf"/]],
      ],
    ];
    for (const [main, errors] of expected) {
      const actual = errorsOf(await load(main));
      assert.equal(actual.length, errors.length, `${main}: ${JSON.stringify(actual)}`);
      errors.forEach(([file, line, message], i) => {
        assert.deepEqual(actual[i]!.slice(0, 2), [file, line], main);
        assert.match(actual[i]![2], message, main);
      });
    }
  });

  it("keeps the broken-below config's good location intact", async () => {
    const config = await load("missing-semicolon/broken-below.conf");
    assert.deepEqual(
      find(config.root, "proxy_pass").map((d) => d.args),
      [["http://not.broken.example"], ["http://is.broken.example"]],
    );
  });

  it("follows globbed includes relative to the main file and never reads the unmatched file", async () => {
    const config = await load("includes-globbed/nginx.conf");
    const servers = find(config.root, "server");
    assert.deepEqual(
      servers.map((s) => find(s.block!, "location").map((l) => l.args[0])),
      [
        ["/foo", "/bar"],
        ["/foo", "/bar"],
      ],
    );
    assert.ok(!config.files.some((f) => f.includes("not-included")));
  });

  it("keeps Lua bodies raw and is not fooled by lua-looking arguments", async () => {
    const config = await load("lua-block-tricky/nginx.conf");
    assert.deepEqual(find(config.root, "server_name")[0]!.args, ["content_by_lua_block"]);
    const rewrite = find(config.root, "rewrite_by_lua_block")[0]!;
    assert.match(rewrite.rawBody!, /a = \{ 1, 2, 3 \}/);
    assert.deepEqual(find(config.root, "upstream")[0]!.args, ["content_by_lua_block"]);
    const simple = await load("lua-block-simple/nginx.conf");
    assert.match(find(simple.root, "init_by_lua_block")[0]!.rawBody!, /curly brace str \{"\)/);
    assert.deepEqual(find(simple.root, "client_max_body_size")[0]!.line, 26);
  });

  it("reads quoting, escapes and text encodings the way nginx does", async () => {
    const quoted = await load("quoted-right-brace/nginx.conf");
    assert.equal(find(quoted.root, "log_format")[0]!.args.at(-1), "}");
    const messy = await load("messy/nginx.conf");
    assert.equal(find(messy.root, "server").length, 3);
    assert.ok(find(messy.root, "location").some((l) => l.args[0] === "/sta;\n                    tus"));
    const latin1 = await load("non-unicode/nginx.conf");
    assert.deepEqual(find(latin1.root, "return")[0]!.args, ["200", "Mölln\n"]);
    const russian = await load("russian-text/nginx.conf");
    assert.deepEqual(russian.root[0]!.args, ["русский текст"]);
  });
});

describe("gixy plugin fixtures", { skip: corpusMissing }, () => {
  const load = (file: string) => loadNginxText(readFileSync(file, "utf8"), file, NO_SYSROOT);

  it("parses every fixture without errors", () => {
    const files = filesUnder(gixy, ".conf");
    assert.ok(files.length >= 70, `only ${files.length} gixy fixtures found`);
    for (const file of files) assert.deepEqual(load(file).errors, [], file);
  });

  it("flags a client-chosen Host in host_spoofing and stays quiet on the _fp cases", () => {
    const files = filesUnder(path.join(gixy, "host_spoofing"), ".conf");
    assert.equal(files.length, 4);
    for (const file of files) {
      const flagged = hostFromClient.check({ nginx: load(file) }).length > 0;
      assert.equal(flagged, !file.endsWith("_fp.conf"), path.basename(file));
    }
  });

  it("finds security headers dropped by add_header redefinition, not in the _fp cases", () => {
    const security = new Set(["x-frame-options", "strict-transport-security", "content-security-policy"]);
    const files = filesUnder(path.join(gixy, "add_header_redefinition"), ".conf");
    assert.equal(files.length, 8);
    for (const file of files) {
      const dropped = droppedResponseHeaders(load(file).root).flatMap((d) =>
        d.dropped.filter((h) => security.has(h)),
      );
      assert.equal(dropped.length > 0, !file.endsWith("_fp.conf"), path.basename(file));
    }
  });
});

type Golden = [rule: string, status: string, line: number];

async function audit(relative: string): Promise<Golden[]> {
  const nginx = await loadNginxConfig(path.join(corpus, relative), NO_SYSROOT);
  return nginxRules.flatMap((rule) =>
    rule.check({ nginx }).map((f): Golden => {
      assert.equal(
        path.resolve(f.location.file),
        path.join(corpus, relative),
        "findings point into the audited file",
      );
      return [rule.meta.id, f.status, f.location.line];
    }),
  );
}

describe("nginx configs of real Django projects", { skip: corpusMissing }, () => {
  /*
   * Expectations written from reading each file:
   * - proxito: `location /` and the 404 fallback set no X-Forwarded-Proto; the fallback sends Host $http_host;
   *   X-Forwarded-For is appended at the edge; the only server on :8080 proxies to the app.
   * - web: only X-Forwarded-Host is set at `location /`; port 80 serves the app without a redirect.
   * - wrangler: default_server on :80 proxies to the app; no X-Forwarded-Proto; appended X-Forwarded-For.
   * - babybuddy: only Host $host, so the client's X-Forwarded-Proto and X-Forwarded-For pass through.
   * - cookiecutter: serves media only, no proxying, nothing to report.
   * - netbox: X-Forwarded-Proto $scheme is right; X-Forwarded-Host $http_host; no HSTS; the TLS server is
   *   the default on :443 (the :80 catch-all only redirects).
   * - DefectDojo: uwsgi_pass and its params live in includes that are not in the repo, so the
   *   X-Forwarded-Proto findings are warnings; in the TLS variant proxy_set_header cannot help uwsgi_pass.
   */
  const goldens: [string, Golden[]][] = [
    [
      "readthedocs__readthedocs.org/dockerfiles/nginx/proxito.conf.template",
      [
        ["nginx-xfp-from-client", "fail", 34],
        ["nginx-xfp-from-client", "fail", 140],
        ["nginx-host-from-client", "fail", 142],
        ["nginx-no-catch-all-server", "fail", 3],
        ["nginx-xff-from-client", "warn", 36],
        ["nginx-xff-from-client", "warn", 144],
      ],
    ],
    [
      "readthedocs__readthedocs.org/dockerfiles/nginx/web.conf.template",
      [
        ["nginx-xfp-from-client", "fail", 27],
        ["nginx-no-https-redirect", "warn", 2],
        ["nginx-no-catch-all-server", "fail", 2],
        ["nginx-xff-from-client", "warn", 27],
      ],
    ],
    [
      "readthedocs__readthedocs.org/dockerfiles/nginx/wrangler.conf.template",
      [
        ["nginx-xfp-from-client", "fail", 12],
        ["nginx-no-https-redirect", "warn", 3],
        ["nginx-no-catch-all-server", "fail", 3],
        ["nginx-xff-from-client", "warn", 15],
      ],
    ],
    [
      "babybuddy__babybuddy/etc/nginx.conf",
      [
        ["nginx-xfp-from-client", "fail", 47],
        ["nginx-no-catch-all-server", "fail", 32],
        ["nginx-xff-from-client", "warn", 47],
        ["config-error", "error", 9],
      ],
    ],
    [
      "cookiecutter__cookiecutter-django/{{cookiecutter.project_slug}}/compose/production/nginx/default.conf",
      [],
    ],
    [
      "netbox-community__netbox/contrib/nginx.conf",
      [
        ["nginx-hsts-missing", "warn", 1],
        ["nginx-no-catch-all-server", "fail", 2],
        ["nginx-xfh-from-client", "warn", 19],
        ["nginx-xff-from-client", "warn", 18],
      ],
    ],
    [
      "DefectDojo__django-DefectDojo/nginx/nginx.conf",
      [
        ["nginx-xfp-from-client", "warn", 40],
        ["nginx-xfp-from-client", "warn", 45],
        ["nginx-xfp-from-client", "warn", 68],
        ["nginx-no-catch-all-server", "fail", 27],
        ["nginx-xff-from-client", "warn", 40],
        ["nginx-xff-from-client", "warn", 45],
        ["nginx-xff-from-client", "warn", 68],
        ["config-error", "error", 8],
        ["config-error", "error", 18],
        ["config-error", "error", 41],
        ["config-error", "error", 42],
      ],
    ],
    [
      "DefectDojo__django-DefectDojo/nginx/nginx_TLS.conf",
      [
        ["nginx-xfp-from-client", "warn", 55],
        ["nginx-xfp-from-client", "warn", 76],
        ["nginx-xfp-from-client", "warn", 130],
        // proxy_set_header under uwsgi_pass: each ignored line of the two app locations.
        ["nginx-proxy-header-under-uwsgi-pass", "warn", 62],
        ["nginx-proxy-header-under-uwsgi-pass", "warn", 66],
        ["nginx-proxy-header-under-uwsgi-pass", "warn", 70],
        ["nginx-proxy-header-under-uwsgi-pass", "warn", 87],
        ["nginx-proxy-header-under-uwsgi-pass", "warn", 91],
        ["nginx-proxy-header-under-uwsgi-pass", "warn", 95],
        // No HTTPS variable in sight, but the unread wsgi_params include may send it: warnings.
        ["nginx-uwsgi-https-not-passed", "warn", 55],
        ["nginx-uwsgi-https-not-passed", "warn", 76],
        ["nginx-uwsgi-https-not-passed", "warn", 130],
        ["nginx-hsts-missing", "warn", 32],
        ["nginx-no-catch-all-server", "fail", 34],
        ["nginx-xff-from-client", "warn", 55],
        ["nginx-xff-from-client", "warn", 76],
        ["nginx-xff-from-client", "warn", 130],
        ["config-error", "error", 9],
        ["config-error", "error", 19],
        ["config-error", "error", 56],
        ["config-error", "error", 57],
      ],
    ],
  ];

  for (const [file, expected] of goldens) {
    it(`audits ${file}`, async () => {
      assert.deepEqual(await audit(file), expected);
    });
  }

  it("lists netbox's app route with its effective headers", async () => {
    const nginx = await loadNginxConfig(
      path.join(corpus, "netbox-community__netbox/contrib/nginx.conf"),
      NO_SYSROOT,
    );
    const [route, ...others] = routesToApp(nginx);
    assert.equal(others.length, 0);
    assert.deepEqual(
      [route!.location, route!.pass.upstream, route!.server.tls, route!.server.names, route!.line],
      ["/", "127.0.0.1:8001", true, ["netbox.example.com"], 18],
    );
    const seen = (name: string) => {
      const header = forwardedHeader(route!, name);
      return header.source === "set" || header.source === "default" ? header.value : header.source;
    };
    assert.deepEqual(
      ["X-Forwarded-Proto", "X-Forwarded-Host", "X-Real-IP", "Host", "X-Forwarded-For"].map(seen),
      ["$scheme", "$http_host", "$remote_addr", "$proxy_host", "client"],
    );
  });

  it("names the ineffective proxy_set_header in DefectDojo's uwsgi locations", async () => {
    const nginx = await loadNginxConfig(
      path.join(corpus, "DefectDojo__django-DefectDojo/nginx/nginx_TLS.conf"),
      NO_SYSROOT,
    );
    const xfp = nginxRules.find((r) => r.meta.id === "nginx-xfp-from-client")!.check({ nginx });
    assert.match(xfp[0]!.message, /proxy_set_header X-Forwarded-Proto at .*:66 has no effect on uwsgi_pass/);
    assert.match(xfp[0]!.message, /include "\/etc\/nginx\/wsgi_params".*could not be read/);
  });
});
