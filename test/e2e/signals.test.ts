/**
 * Ctrl-C and SIGTERM, as a user or a CI runner sends them: the command stops within a second,
 * writes what it decided (JSONL lines whole, reports marked incomplete), exits 130 or 143, and
 * never prints a stack trace. The targets are loopback servers that accept and never answer, so
 * only the signal can end the run.
 */
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { runCli, type CliResult } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "proxytrust-signals-"));

/** A server that accepts and never answers, and says when the first connection came. */
function silentServer(address: string): Promise<{ server: Server; url: string; connected: Promise<void> }> {
  let onConnection!: () => void;
  const connected = new Promise<void>((resolve) => (onConnection = resolve));
  const server = createServer((socket) => {
    socket.on("error", () => undefined);
    onConnection();
  });
  return new Promise((resolve) =>
    server.listen(0, address, () =>
      resolve({
        server,
        url: `http://${address}:${(server.address() as { port: number }).port}/`,
        connected,
      }),
    ),
  );
}

/** Runs the command, sends `signals` once `ready` resolves, and measures from the first signal to exit. */
async function interrupt(
  args: string[],
  ready: (child: ChildProcess) => Promise<void>,
  signals: NodeJS.Signals[],
): Promise<CliResult & { afterSignalMs: number }> {
  let signalled = 0;
  const result = await runCli(args, 60_000, {
    onStart: (child) =>
      void ready(child).then(() => {
        signalled = Date.now();
        for (const name of signals) child.kill(name);
      }),
  });
  return { ...result, afterSignalMs: Date.now() - signalled };
}

function assertStoppedCleanly(result: CliResult & { afterSignalMs: number }, code: number): void {
  assert.equal(result.code, code, `${result.signal ?? ""} ${result.stderr}`);
  assert.ok(result.afterSignalMs < 1000, `stopped ${result.afterSignalMs} ms after the signal`);
  assert.doesNotMatch(result.stderr, /at .*\.(ts|js):\d+|Unhandled/, "no stack trace");
}

describe("signals", () => {
  const servers: Server[] = [];
  after(() => servers.forEach((s) => s.close()));

  for (const [name, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    for (const command of ["scan", "doctor"]) {
      test(`${name} during ${command}: exit ${code} within 1 s, the report marked incomplete`, async () => {
        const silent = await silentServer("127.0.0.1");
        servers.push(silent.server);
        const args = [command, silent.url, "--max-time", "60", "--timeout", "60", "--format", "json"];
        const result = await interrupt(args, () => silent.connected, [name]);
        assertStoppedCleanly(result, code);
        const report = JSON.parse(result.stdout) as { incomplete?: string; checks: { status: string }[] };
        assert.equal(report.incomplete, `interrupted by ${name}`);
        assert.ok(
          report.checks.every((c) => c.status !== "pass"),
          "nothing passes on no answer",
        );
        assert.match(result.stderr, new RegExp(`${command} interrupted by ${name}`));
      });
    }
  }

  describe("a fleet", () => {
    /** A targets file of silent servers, and when the first of them was connected to. */
    const silentFleet = async (name: string) => {
      const started = await Promise.all(
        Array.from({ length: 6 }, (_, i) => silentServer(`127.92.0.${i + 1}`)),
      );
      servers.push(...started.map((s) => s.server));
      const targets = join(dir, name);
      writeFileSync(targets, started.map((s) => s.url).join("\n"));
      return { targets, firstConnection: Promise.race(started.map((s) => s.connected)) };
    };

    test("SIGTERM: exit 143 within 1 s, every JSONL line whole, the summary marked incomplete", async () => {
      const { targets, firstConnection } = await silentFleet("targets.txt");
      const jsonl = join(dir, "fleet.jsonl");
      const args = ["scan", "--targets", targets, "--jsonl", jsonl, "--concurrency", "2", "--max-time", "60"];
      const result = await interrupt(
        [...args, "--timeout", "60", "--format", "json"],
        () => firstConnection,
        ["SIGTERM"],
      );
      assertStoppedCleanly(result, 143);
      const text = readFileSync(jsonl, "utf8");
      assert.ok(text === "" || text.endsWith("\n"), "no line cut");
      for (const line of text.split("\n").filter(Boolean)) JSON.parse(line);
      assert.equal(
        (JSON.parse(result.stdout) as { incomplete?: string }).incomplete,
        "interrupted by SIGTERM",
      );
    });

    test("a second SIGINT right after the first exits at once", async () => {
      const { targets, firstConnection } = await silentFleet("targets-twice.txt");
      const args = ["scan", "--targets", targets, "--max-time", "60", "--timeout", "60"];
      const result = await interrupt(args, () => firstConnection, ["SIGINT", "SIGINT"]);
      assertStoppedCleanly(result, 130);
    });
  });

  test("SIGINT during an audit of 50,000 server blocks stops it within 1 s", async () => {
    const conf = join(dir, "many-sites.conf");
    const site = (i: number) =>
      `server {\n  listen 443 ssl;\n  server_name site${i}.example.com;\n  location / { proxy_pass http://127.0.0.1:8000; }\n}\n`;
    writeFileSync(
      conf,
      `events {}\nhttp {\n${Array.from({ length: 50_000 }, (_, i) => site(i)).join("")}}\n`,
    );
    const result = await interrupt(
      ["audit", "--nginx", conf],
      // The CLI is loaded and reading once it has been running a moment; the audit takes longer.
      () => new Promise((resolve) => setTimeout(resolve, 3000)),
      ["SIGINT"],
    );
    assert.ok(result.code === 130 || result.signal === "SIGINT", `exit ${result.code} ${result.signal}`);
    assert.ok(result.afterSignalMs < 1000, `stopped ${result.afterSignalMs} ms after the signal`);
    assert.doesNotMatch(result.stderr, /at .*\.(ts|js):\d+/, "no stack trace");
  });
});
