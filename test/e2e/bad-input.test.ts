/** Bad input on the command line: one clear line, a documented exit code, never a stack trace. */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { runCli } from "./run-cli.js";

function listen(onConnection: (socket: Socket) => void): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer((socket) => {
      // The scanner hangs up on misbehaving servers; that reset is expected here.
      socket.on("error", () => undefined);
      onConnection(socket);
    });
    server.listen(0, "127.0.0.1", () =>
      resolve({ server, port: (server.address() as { port: number }).port }),
    );
  });
}

function assertOneLine(stderr: string): void {
  assert.equal(stderr.trim().split("\n").length, 1, stderr);
  assert.doesNotMatch(stderr, /at .*\.(ts|js):\d+/, "no stack trace");
}

describe("bad input", () => {
  test("a malformed URL, an unknown option and a bad --connect-to exit 2 with one line", async () => {
    for (const args of [
      ["scan", "not a url"],
      ["scan", "--bogus", "https://app.test/"],
      ["scan", "https://app.test/", "--connect-to", "a:b"],
      ["scan", "ftp://app.test/"],
    ]) {
      const result = await runCli(args);
      assert.equal(result.code, 2, args.join(" "));
      assertOneLine(result.stderr);
    }
    // commander's suggestion joins the line, not printed as an escaped line break.
    const misspelt = await runCli(["init", "--proxy", "nginx", "--outt", "deploy"]);
    assert.equal(misspelt.code, 2);
    assert.equal(misspelt.stderr, "proxytrust: unknown option '--outt' (Did you mean --out?)\n");
  });

  test("audit PATH that is missing, or a file, says which in one line and exits 2", async () => {
    const dir = mkdtempSync(join(tmpdir(), "proxytrust-bad-input-"));
    const missing = await runCli(["audit", join(dir, "absent")]);
    assert.equal(missing.code, 2);
    assertOneLine(missing.stderr);
    assert.match(missing.stderr, /absent: no such file$/m);
    writeFileSync(join(dir, "settings.py"), "DEBUG = False\n");
    const file = await runCli(["audit", join(dir, "settings.py")]);
    assert.equal(file.code, 2);
    assertOneLine(file.stderr);
    assert.match(file.stderr, /is a file, not a directory: name it with --settings/);
  });

  test("URLs with spaces or line breaks are refused, never sent: exit 2, the URL escaped", async () => {
    for (const url of ["http://127.0.0.1:1/a b", "http://127.0.0.1:1/a\nc", "http://127.0.0.1:1/\tx"]) {
      const result = await runCli(["scan", url, "--max-time", "2"]);
      assert.equal(result.code, 2, url);
      assertOneLine(result.stderr);
      assert.match(result.stderr, /contains a space, line break or control character/);
    }
  });

  test("a binary targets file: one line, its bytes escaped and cut short, never echoed raw", async () => {
    const dir = mkdtempSync(join(tmpdir(), "proxytrust-bad-input-"));
    const targets = join(dir, "targets.txt");
    // A compiled program given by mistake, with a terminal escape sequence in it.
    writeFileSync(
      targets,
      Buffer.concat([
        Buffer.from("https://app.test/\n"),
        readFileSync("/bin/ls").subarray(0, 4096),
        Buffer.from("\x1b[2J"),
      ]),
    );
    const result = await runCli(["scan", "--targets", targets]);
    assert.equal(result.code, 2);
    assertOneLine(result.stderr);
    // eslint-disable-next-line no-control-regex -- looking for raw control bytes is the point
    assert.doesNotMatch(result.stderr, /[\x00-\x08\x0b-\x1f\x7f]/, "no raw control bytes");
    assert.match(result.stderr, /targets\.txt:2: '.*…'/);
    assert.ok(result.stderr.length < 300, result.stderr);
  });

  test("--max-time 0 and --output /proc/x say what is wrong in words", async () => {
    const zero = await runCli(["scan", "http://127.0.0.1:1/", "--max-time", "0"]);
    assert.equal(zero.code, 2);
    assert.match(zero.stderr, /greater than 0 and at most 3600/);
    const proc = await runCli(["audit", "--gunicorn", "/dev/null", "--output", "/proc/proxytrust-report"]);
    assertOneLine(proc.stderr);
    assert.doesNotMatch(proc.stderr, /ENOENT|\bE[A-Z]+\b/);
  });

  test("nonexistent, directory, /dev/null and symlink-loop inputs: exit 3, one line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "proxytrust-bad-input-"));
    symlinkSync(join(dir, "loop-b"), join(dir, "loop-a"));
    symlinkSync(join(dir, "loop-a"), join(dir, "loop-b"));
    for (const file of [join(dir, "missing.conf"), dir, "/dev/null", join(dir, "loop-a")]) {
      const result = await runCli(["audit", "--nginx", file]);
      assert.equal(result.code, 3, `${file}: ${result.stderr}`);
      assertOneLine(result.stderr);
    }
  });

  test("an unreachable target exits 3 with one line", async () => {
    const { server, port } = await listen((s) => s.destroy());
    server.close();
    const result = await runCli([
      "scan",
      `http://app.test:${port}/`,
      "--connect-to",
      `app.test::127.0.0.1:${port}`,
    ]);
    assert.equal(result.code, 3);
    assertOneLine(result.stderr);
  });

  test("an option that only --python uses, given without it, exits 2 with one line", async () => {
    for (const option of [
      ["--settings-module", "shop.settings"],
      ["--project-dir", "."],
      ["--python-timeout", "5"],
    ]) {
      const result = await runCli(["audit", "--nginx", "nginx.conf", ...option]);
      assert.equal(result.code, 2, option.join(" "));
      assertOneLine(result.stderr);
      assert.match(result.stderr, /need --python/);
    }
  });

  test("init --out where no directory can be made ends with one line and exit 3, not a hang", async () => {
    // /proc refuses new entries with ENOENT under a parent that exists: Node's recursive mkdir loops on it.
    const result = await runCli(
      ["init", "--proxy", "nginx", "--domain", "app.example.com", "--out", "/proc/1"],
      20_000,
    );
    assert.equal(result.code, 3, result.stderr);
    assertOneLine(result.stderr);
    assert.match(result.stderr, /init could not write to \/proc\/1: no file can be created there/);
  });

  test("init with mod_wsgi needs no --upstream, and refuses one (or --proxy-address) with one line", async () => {
    const base = ["init", "--proxy", "apache", "--app-server", "mod_wsgi", "--domain", "app.example.com"];
    const plain = await runCli(base);
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stdout, /WSGIScriptAlias/);
    for (const extra of [
      ["--upstream", "10.0.0.5:8000"],
      ["--proxy-address", "10.0.0.2"],
    ]) {
      const result = await runCli([...base, ...extra]);
      assert.equal(result.code, 2, extra.join(" "));
      assertOneLine(result.stderr);
      assert.match(result.stderr, new RegExp(`${extra[0]} .*mod_wsgi`));
    }
  });

  test("a value option given twice exits 2 with one line naming it; repeatable ones collect", async () => {
    for (const args of [
      ["scan", "https://app.test/", "--timeout", "5", "--timeout", "10"],
      ["audit", "--settings", "a.py", "--settings", "b.py"],
      ["init", "--proxy", "nginx", "--proxy", "caddy", "--domain", "app.example.com"],
    ]) {
      const result = await runCli(args);
      assert.equal(result.code, 2, args.join(" "));
      assertOneLine(result.stderr);
      assert.match(
        result.stderr,
        new RegExp(`${args.find((a) => a.startsWith("--"))} was given more than once`),
      );
    }
    const twoDomains = await runCli([
      "init",
      "--proxy",
      "nginx",
      "--domain",
      "a.example.com",
      "--domain",
      "b.example.com",
    ]);
    assert.equal(twoDomains.code, 0, twoDomains.stderr);
    assert.match(twoDomains.stdout, /server_name a\.example\.com b\.example\.com;/);
  });
});
