/**
 * Bad input and hostile servers: one clear line, a documented exit code, never a stack trace
 * or a hang. The servers here are tiny loopback listeners that misbehave on purpose.
 */
import assert from "node:assert/strict";
import { createServer, type Server, type Socket } from "node:net";
import { after, before, describe, test } from "node:test";
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
});

describe("hostile servers", () => {
  const servers: Server[] = [];
  const ports: Record<string, number> = {};
  before(async () => {
    const add = async (name: string, handler: (s: Socket) => void) => {
      const { server, port } = await listen(handler);
      servers.push(server);
      ports[name] = port;
    };
    await add("silent", () => undefined);
    await add("hugeHeaders", (s) => {
      s.once("data", () => s.end(`HTTP/1.1 200 OK\r\nX-Big: ${"a".repeat(1024 * 1024)}\r\n\r\n`));
    });
    await add("hugeBody", (s) => {
      s.once("data", () => {
        s.write("HTTP/1.1 200 OK\r\nContent-Length: 52428800\r\n\r\n");
        const chunk = Buffer.alloc(64 * 1024, 120);
        const pump = () => {
          while (s.writable && s.write(chunk));
        };
        s.on("drain", pump);
        pump();
      });
    });
    await add("garbage", (s) => {
      s.once("data", () => s.end("HELLO THERE\r\n\r\n"));
    });
    await add("loop", (s) => {
      s.once("data", () => s.end("HTTP/1.1 302 Found\r\nLocation: /again\r\nContent-Length: 0\r\n\r\n"));
    });
  });
  after(() => servers.forEach((s) => s.close()));

  const scan = (name: string, ...extra: string[]) =>
    runCli([
      "scan",
      `http://app.test:${ports[name]}/`,
      "--connect-to",
      `app.test::127.0.0.1:${ports[name]}`,
      "--format",
      "json",
      ...extra,
    ]);

  test("a server that never answers: every probe times out, the scan ends and exits 3", async () => {
    const started = Date.now();
    const result = await scan("silent", "--timeout", "1", "--max-time", "5");
    assert.equal(result.code, 3);
    assert.ok(Date.now() - started < 15_000);
  });

  test("a 1 MB header block and a malformed status line are errors, not crashes", async () => {
    for (const name of ["hugeHeaders", "garbage"]) {
      const result = await scan(name, "--timeout", "2");
      assert.equal(result.code, 3, `${name}: ${result.stderr}`);
      assertOneLine(result.stderr);
    }
  });

  test("a 50 MB body is cut short: the scan still ends with a report", async () => {
    const result = await scan("hugeBody", "--timeout", "5");
    assert.ok(result.code === 0 || result.code === 1, result.stderr);
    const report = JSON.parse(result.stdout) as { checks: { id: string; status: string }[] };
    assert.ok(report.checks.length > 0);
    // No HTTPS listener and no Django: nothing may pass on the scheme.
    assert.notEqual(report.checks.find((c) => c.id === "scheme")?.status, "pass");
  });

  test("an endless redirect is reported as a loop, not followed forever", async () => {
    const result = await scan("loop", "--timeout", "2");
    const report = JSON.parse(result.stdout) as { checks: { id: string; status: string; summary: string }[] };
    const redirect = report.checks.find((c) => c.id === "https-redirect");
    assert.ok(redirect && redirect.status !== "pass", JSON.stringify(redirect));
  });
});
