/**
 * A fleet in which a quarter of the targets misbehave (silent, trickling, resetting): every target
 * gets its JSONL line, the run ends within ceil(targets / concurrency) x --max-time plus a few
 * seconds, and peak memory stays bounded. Each target is a loopback server on
 * its own address; the well-behaved ones answer as a proxy redirecting to https would, which is all
 * this test needs (the judging of real stacks is in fleet.test.ts).
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { runCli, type JsonCheck } from "./run-cli.js";

type Behaviour = (socket: Socket) => void;

const trickle = (socket: Socket, bytes: string) => {
  let i = 0;
  const timer = setInterval(
    () => (i < bytes.length && socket.writable ? socket.write(bytes[i++]!) : clearInterval(timer)),
    1000,
  );
  socket.on("close", () => clearInterval(timer));
};

/** The first three never complete an answer; the last one resets mid-body. */
const BEHAVIOURS: Behaviour[] = [
  () => undefined,
  (socket) => socket.once("data", () => trickle(socket, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")),
  (socket) =>
    socket.once("data", () => {
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n");
      trickle(socket, "x".repeat(5000));
    }),
  (socket) =>
    socket.once("data", () => {
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n<title>half</title>");
      setTimeout(() => socket.resetAndDestroy(), 50);
    }),
];

const redirectToHttps: Behaviour = (socket) =>
  socket.on("data", () =>
    socket.end(
      "HTTP/1.1 301 Moved Permanently\r\nServer: nginx\r\nLocation: https://example.invalid/\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    ),
  );

function listen(address: string, behaviour: Behaviour): Promise<{ server: Server; url: string }> {
  const server = createServer((socket) => {
    // The scanner hangs up on misbehaving servers; those resets are expected.
    socket.on("error", () => undefined);
    behaviour(socket);
  });
  return new Promise((resolve) =>
    server.listen(0, address, () =>
      resolve({ server, url: `http://${address}:${(server.address() as { port: number }).port}/` }),
    ),
  );
}

const MAX_TIME_S = 2;
const CONCURRENCY = 40;
/** A bound on peak memory for 200 targets (about 290 MB measured here, 175 MB for 40). */
const PEAK_RSS_LIMIT_KB = 512 * 1024;

describe("a fleet with misbehaving targets", () => {
  const servers: Server[] = [];
  const urls: string[] = [];
  const silent = new Set<string>();
  const dir = mkdtempSync(join(tmpdir(), "proxytrust-fleet-deadlines-"));

  before(async () => {
    for (let i = 0; i < 200; i++) {
      const bad = i % 4 === 0;
      const { server, url } = await listen(
        `127.91.${i >> 8}.${(i & 255) + 1}`,
        bad ? BEHAVIOURS[(i / 4) % BEHAVIOURS.length]! : redirectToHttps,
      );
      servers.push(server);
      urls.push(url);
      // A reset can be read as a refusal (host-header), so only the servers that never answer count here.
      if (bad && (i / 4) % BEHAVIOURS.length !== BEHAVIOURS.length - 1) silent.add(url);
    }
  });
  after(() => servers.forEach((server) => server.close()));

  const scan = async (count: number) => {
    const targets = join(dir, `targets-${count}.txt`);
    const jsonl = join(dir, `out-${count}.jsonl`);
    writeFileSync(targets, `${urls.slice(0, count).join("\n")}\n`);
    const args = ["scan", "--targets", targets, "--jsonl", jsonl, "--format", "json"];
    const limits = [
      "--max-time",
      String(MAX_TIME_S),
      "--timeout",
      "30",
      "--concurrency",
      String(CONCURRENCY),
    ];
    const started = Date.now();
    const result = await runCli([...args, ...limits, "--per-host", "4"], 120_000, { measureMemory: true });
    return { result, jsonl, tookMs: Date.now() - started };
  };

  test("200 targets: a line for each, in time, memory bounded", async (t) => {
    const small = await scan(40);
    const { result, jsonl, tookMs } = await scan(200);
    // Under a busy machine a well-behaved target may also reach its deadline: 3 is honest then.
    assert.ok([0, 1, 3].includes(result.code!), `exit ${result.code}: ${result.stderr.slice(-500)}`);
    assert.doesNotMatch(result.stderr, /at .*\.(ts|js):\d+|Unhandled/, "no stack trace");

    const lines = readFileSync(jsonl, "utf8").trimEnd().split("\n");
    assert.equal(lines.length, 200);
    const reports = lines.map((line) => JSON.parse(line) as { target: string; checks: JsonCheck[] });
    assert.deepEqual(reports.map((r) => r.target).sort(), [...urls].sort());
    for (const report of reports.filter((r) => silent.has(r.target)))
      for (const check of report.checks)
        assert.notEqual(check.status, "pass", `${report.target} ${check.id}: ${check.summary}`);

    // ceil(200 / 40) rounds of --max-time 2, plus start-up and a few seconds.
    const boundMs = (Math.ceil(200 / CONCURRENCY) * MAX_TIME_S + 4) * 1000;
    assert.ok(tookMs < boundMs + small.tookMs, `200 targets took ${tookMs} ms`);
    const [few, many] = [small.result.peakRssKb!, result.peakRssKb!];
    const memory = `peak memory ${few} kB for 40 targets, ${many} kB for 200; 200 took ${tookMs} ms`;
    assert.ok(many < PEAK_RSS_LIMIT_KB, memory);
    t.diagnostic(memory);
  });
});
