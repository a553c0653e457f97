/** Bad input on the command line: one clear line, a documented exit code, never a stack trace. */
import assert from "node:assert/strict";
import { createServer, type Server, type Socket } from "node:net";
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
