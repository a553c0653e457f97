import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadNginxConfig, loadNginxText } from "../../../../src/static/nginx/loader.js";
import { MAX_FILE_BYTES, type NginxDirective } from "../../../../src/static/nginx/model.js";

let dir: string;

function write(relative: string, content: string | Buffer): string {
  const file = path.join(dir, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
}

function names(directives: NginxDirective[]): string[] {
  return directives.flatMap((d) => [d.name + (d.args[0] ? ` ${d.args[0]}` : ""), ...names(d.block ?? [])]);
}

describe("nginx config loader", () => {
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "proxytrust-nginx-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("splices includes in place, resolving relative paths against the main file's directory", async () => {
    const main = write("etc/nginx.conf", "http {\n  include conf.d/*.conf;\n}\n");
    write("etc/conf.d/b.conf", "server { listen 81; include snippets/proxy.conf; }");
    write("etc/conf.d/a.conf", "server { listen 80; }");
    write("etc/conf.d/.hidden.conf", "server { listen 99; }");
    // Relative to the main file's directory, not to conf.d/ where the including file lives.
    write("etc/snippets/proxy.conf", "proxy_set_header Host $host;");
    const config = await loadNginxConfig(main);
    assert.deepEqual(config.errors, []);
    assert.deepEqual(names(config.root), [
      "http",
      "server",
      "listen 80",
      "server",
      "listen 81",
      "proxy_set_header Host",
    ]);
    const included = config.root[0]!.block![1]!.block![1]!;
    assert.deepEqual([path.basename(included.file), included.line], ["proxy.conf", 1]);
    assert.equal(config.files.length, 4);
  });

  it("reports a missing include at the include line and keeps it in the tree as unresolved", async () => {
    const main = write("missing/nginx.conf", "events {}\ninclude nope.conf;\nhttp {}\n");
    const config = await loadNginxConfig(main);
    assert.equal(config.errors.length, 1);
    assert.deepEqual([config.errors[0]!.line, config.errors[0]!.kind], [2, "io"]);
    assert.match(config.errors[0]!.message, /cannot include "nope\.conf".*no such file/);
    assert.equal(config.root[1]!.unresolved, true);
    assert.equal(config.root[2]!.name, "http");
  });

  it("treats a glob that matches nothing as nginx does: no error", async () => {
    const main = write("glob/nginx.conf", "include sites/*.conf;\n");
    assert.deepEqual((await loadNginxConfig(main)).errors, []);
  });

  it("detects include cycles and still returns what it read", async () => {
    const main = write("cycle/nginx.conf", "include a.conf;\nworker_processes 1;\n");
    write("cycle/a.conf", "include b.conf;\nuser a;");
    write("cycle/b.conf", "include a.conf;\nuser b;");
    const config = await loadNginxConfig(main);
    assert.equal(config.errors.length, 1);
    assert.match(config.errors[0]!.message, /include cycle: .*a\.conf -> .*b\.conf -> .*a\.conf/);
    assert.equal(path.basename(config.errors[0]!.file), "b.conf");
    // The include that closes the cycle stays in the tree, marked unresolved.
    assert.deepEqual(names(config.root), ["include a.conf", "user b", "user a", "worker_processes 1"]);
  });

  it("reads absolute includes beneath a sysroot when one is given", async () => {
    write("root/etc/nginx/proxy_params", "proxy_set_header X-Forwarded-Proto $scheme;");
    const config = loadNginxText("include /etc/nginx/proxy_params;", path.join(dir, "x.conf"), {
      sysroot: path.join(dir, "root"),
    });
    assert.deepEqual(config.errors, []);
    assert.deepEqual(names(config.root), ["proxy_set_header X-Forwarded-Proto"]);
  });

  it("refuses binary files with the line of the first NUL byte", async () => {
    const main = write("binary/nginx.conf", Buffer.from("user a;\nuser b;\n\0\u0001garbage"));
    const config = await loadNginxConfig(main);
    assert.deepEqual(
      config.errors.map((e) => [e.line, e.message]),
      [[3, "binary data (a NUL byte) in what should be a text file"]],
    );
    assert.deepEqual(config.root, []);
  });

  it("refuses files over the size limit without reading them", async () => {
    const big = write("big/huge.conf", "");
    truncateSync(big, MAX_FILE_BYTES + 1);
    const main = write("big/nginx.conf", "include huge.conf;\nuser a;\n");
    const config = await loadNginxConfig(main);
    assert.equal(config.errors.length, 1);
    assert.match(config.errors[0]!.message, /over the 256 MB limit for one file/);
    assert.equal(config.errors[0]!.line, 1);
    assert.deepEqual(names(config.root), ["include huge.conf", "user a"]);
  });

  it("refuses an included FIFO or device without waiting for a writer or reading for ever", async () => {
    const fifo = path.join(dir, "special", "pipe.conf");
    mkdirSync(path.dirname(fifo), { recursive: true });
    execFileSync("mkfifo", [fifo]);
    const main = write("special/nginx.conf", "include pipe.conf;\ninclude /dev/zero;\nuser a;\n");
    const config = await loadNginxConfig(main);
    assert.deepEqual(
      config.errors.map((e) => [e.line, e.message]),
      [
        [1, `cannot include "pipe.conf" (${fifo}): not a regular file`],
        [2, 'cannot include "/dev/zero": not a regular file'],
      ],
    );
  });

  it("a glob's match that cannot be opened (a link loop, a dangling link) is reported, as nginx -t does", async () => {
    mkdirSync(path.join(dir, "links", "sites"), { recursive: true });
    symlinkSync("loop.conf", path.join(dir, "links", "sites", "loop.conf"));
    symlinkSync("gone", path.join(dir, "links", "sites", "dangling.conf"));
    const main = write("links/nginx.conf", "http {\n  include sites/*.conf;\n}\n");
    const config = await loadNginxConfig(main);
    assert.deepEqual(
      config.errors.map((e) => [e.line, e.message.replace(/ \(.*\)/, "")]),
      [
        [2, 'cannot include "sites/*.conf": no such file'],
        [2, 'cannot include "sites/*.conf": too many levels of symbolic links'],
      ],
    );
  });

  it("text in memory is read as given under a relative name, not from the disk under that name", () => {
    const config = loadNginxText("user www-data;\n", path.join("deploy", "not-on-disk.conf"));
    assert.deepEqual(config.errors, []);
    assert.deepEqual(names(config.root), ["user www-data"]);
  });

  it("reports a main file that is missing or a directory instead of throwing", async () => {
    const missing = await loadNginxConfig(path.join(dir, "does-not-exist.conf"));
    assert.match(missing.errors[0]!.message, /no such file/);
    const directory = await loadNginxConfig(dir);
    assert.match(directory.errors[0]!.message, /is a directory/);
  });

  it("decodes Latin-1 files that are not valid UTF-8", async () => {
    const main = write("latin1/nginx.conf", Buffer.from("return 200 'M\xf6lln';", "latin1"));
    assert.deepEqual((await loadNginxConfig(main)).root[0]!.args, ["200", "Mölln"]);
  });

  it("reads an nginx -T dump as the set of files it holds", () => {
    const dump = [
      "nginx: the configuration file /etc/nginx/nginx.conf syntax is ok",
      "nginx: configuration file /etc/nginx/nginx.conf test is successful",
      "# configuration file /etc/nginx/nginx.conf:",
      "http {",
      "    include /etc/nginx/conf.d/*.conf;",
      "    include missing.conf;",
      "}",
      "",
      "# configuration file /etc/nginx/conf.d/app.conf:",
      "server {",
      "    listen 443 ssl;",
      "    location / { proxy_pass http://app; }",
      "}",
      "",
    ].join("\n");
    const config = loadNginxText(dump, "dump.txt");
    assert.deepEqual(config.files, ["/etc/nginx/nginx.conf", "/etc/nginx/conf.d/app.conf"]);
    assert.deepEqual(names(config.root), [
      "http",
      "server",
      "listen 443",
      "location /",
      "proxy_pass http://app",
      "include missing.conf",
    ]);
    const location = config.root[0]!.block![0]!.block![1]!;
    assert.deepEqual([location.file, location.line], ["/etc/nginx/conf.d/app.conf", 3]);
    assert.deepEqual(
      config.errors.map((e) => [e.file, e.line]),
      [["/etc/nginx/nginx.conf", 3]],
    );
    assert.match(config.errors[0]!.message, /not in the nginx -T dump/);
  });
});
