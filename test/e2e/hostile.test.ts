/**
 * A scanner is pointed at servers it does not control. Each loopback server here misbehaves in
 * one way on both legs (TLS and plain); the scan must end inside its deadline, mark what it
 * could not decide as error (never pass), keep judging the rest, and exit 1 or 3 as documented.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createServer as createTlsServer, TLSSocket } from "node:tls";
import { gzipSync } from "node:zlib";
import { issueCertificates, type Certificates } from "../../stacks/certs.js";
import { runCli, type JsonCheck } from "./run-cli.js";

type Behaviour = (socket: Socket) => void;

/** Answers every request with the same bytes, after the request head arrived. */
const replyWith =
  (response: string | Buffer): Behaviour =>
  (socket) =>
    socket.once("data", () => socket.end(response));

const BEHAVIOURS: Record<string, Behaviour> = {
  "redirect to another host": replyWith(
    "HTTP/1.1 301 Moved\r\nLocation: https://elsewhere.invalid/\r\nContent-Length: 0\r\n\r\n",
  ),
  "redirect to javascript:": replyWith(
    "HTTP/1.1 302 Found\r\nLocation: javascript:alert(1)\r\nContent-Length: 0\r\n\r\n",
  ),
  "redirect to file:": replyWith(
    "HTTP/1.1 302 Found\r\nLocation: file:///etc/passwd\r\nContent-Length: 0\r\n\r\n",
  ),
  "headers one byte a second": (socket) =>
    socket.once("data", () => {
      const head = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
      let i = 0;
      const timer = setInterval(
        () => (i < head.length && socket.writable ? socket.write(head[i++]!) : clearInterval(timer)),
        1000,
      );
      socket.on("close", () => clearInterval(timer));
    }),
  "body one byte a second": (socket) =>
    socket.once("data", () => {
      socket.write("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100\r\n\r\n");
      const timer = setInterval(() => (socket.writable ? socket.write("a") : clearInterval(timer)), 1000);
      socket.on("close", () => clearInterval(timer));
    }),
  "conflicting Content-Length": replyWith(
    "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nhello",
  ),
  "bare LF line ends": replyWith("HTTP/1.1 200 OK\nContent-Length: 2\nSet-Cookie: sessionid=x\n\nok"),
  "reset mid-body": (socket) =>
    socket.once("data", () => {
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n<title>half</title>");
      // A TCP reset where the socket has one (plain); TLS sockets can only be destroyed.
      setTimeout(() => (socket instanceof TLSSocket ? socket.destroy() : socket.resetAndDestroy()), 50);
    }),
  "gzip bomb": replyWith(
    Buffer.concat([
      Buffer.from("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: "),
      (() => {
        const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
        return Buffer.concat([Buffer.from(`${bomb.length}\r\n\r\n`), bomb]);
      })(),
    ]),
  ),
  "accepts and never answers": () => undefined,
  "endless redirect on the same host": replyWith(
    "HTTP/1.1 302 Found\r\nLocation: /again\r\nContent-Length: 0\r\n\r\n",
  ),
  "malformed status line": replyWith("HELLO THERE\r\n\r\n"),
  "a 1 MB header block": replyWith(`HTTP/1.1 200 OK\r\nX-Big: ${"a".repeat(1024 * 1024)}\r\n\r\n`),
  "a 100 MB body": (socket) =>
    socket.once("data", () => {
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 104857600\r\n\r\n");
      const chunk = Buffer.alloc(64 * 1024, 120);
      const pump = () => {
        while (socket.writable && socket.write(chunk));
      };
      socket.on("drain", pump);
      pump();
    }),
};

interface Pair {
  plain: Server;
  tls: Server;
  plainPort: number;
  tlsPort: number;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)),
  );
}

function guard(behaviour: Behaviour): Behaviour {
  return (socket) => {
    // The scanner hangs up on misbehaving servers; those resets are expected.
    socket.on("error", () => undefined);
    behaviour(socket);
  };
}

async function startPair(behaviour: Behaviour, certs: Certificates): Promise<Pair> {
  const plain = createServer(guard(behaviour));
  const tls = createTlsServer(
    { cert: readFileSync(certs.certPath), key: readFileSync(certs.keyPath) },
    guard(behaviour),
  );
  tls.on("tlsClientError", () => undefined);
  return { plain, tls, plainPort: await listen(plain), tlsPort: await listen(tls) };
}

/** Plain HTTP answers at once; the TLS port reads the ClientHello and never sends a ServerHello. */
async function startStalledHandshake(): Promise<Pair> {
  const plain = createServer(guard(replyWith("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")));
  const tls = createServer(guard((socket) => socket.resume()));
  return { plain, tls, plainPort: await listen(plain), tlsPort: await listen(tls) };
}

/** How long the command line takes to start and exit doing nothing, on this machine, now. */
async function startupMs(): Promise<number> {
  const started = Date.now();
  await runCli(["--version"]);
  return Date.now() - started;
}

function targetArgs(pair: Pair, certs: Certificates): string[] {
  return [
    "https://app.test/",
    "--connect-to",
    `app.test:443:127.0.0.1:${pair.tlsPort}`,
    "--connect-to",
    `app.test:80:127.0.0.1:${pair.plainPort}`,
    "--cacert",
    certs.caCertPath,
  ];
}

describe("hostile servers", () => {
  let certs: Certificates;
  let wrongName: Certificates;
  const pairs = new Map<string, Pair>();
  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), "proxytrust-hostile-"));
    certs = await issueCertificates(dir, ["app.test"]);
    wrongName = await issueCertificates(mkdtempSync(join(dir, "other-")), ["other.test"]);
    for (const [name, behaviour] of Object.entries(BEHAVIOURS))
      pairs.set(name, await startPair(behaviour, certs));
    pairs.set(
      "certificate for another name",
      await startPair(replyWith("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), wrongName),
    );
  });
  after(() => {
    for (const { plain, tls } of pairs.values()) {
      plain.close();
      tls.close();
    }
  });

  for (const name of [...Object.keys(BEHAVIOURS), "certificate for another name"]) {
    test(`${name}: ends in time, passes nothing it could not see, exits 1 or 3`, async () => {
      const started = Date.now();
      const result = await runCli(
        [
          "scan",
          ...targetArgs(pairs.get(name)!, certs),
          "--format",
          "json",
          "--timeout",
          "2",
          "--max-time",
          "8",
        ],
        30_000,
      );
      assert.ok(Date.now() - started < 25_000, "the scan ended near its own deadline");
      assert.ok(result.code === 1 || result.code === 3, `exit ${result.code}: ${result.stderr}`);
      assert.doesNotMatch(result.stderr, /at .*\.(ts|js):\d+/, "no stack trace");
      if (result.code === 3) {
        assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
        return;
      }
      const report = JSON.parse(result.stdout) as { checks: JsonCheck[] };
      // No Django answered: the clauses that need Django's behaviour can never pass.
      for (const id of ["scheme", "spoofed-proto", "forwarded-host", "csrf-origin"]) {
        const check = report.checks.find((c) => c.id === id)!;
        assert.notEqual(check.status, "pass", `${id}: ${check.summary}`);
        if (check.status === "error" || check.status === "skip")
          assert.ok(check.summary.length > 10, `${id} gives a reason`);
      }
      for (const check of report.checks) {
        for (const x of check.evidence as { response?: { bodyExcerpt?: string } }[]) {
          assert.ok((x.response?.bodyExcerpt?.length ?? 0) <= 200, "bodies are never echoed whole");
        }
      }
    });
  }

  // --max-time far below --timeout: only the whole-scan deadline can end these runs in time.
  for (const name of [
    "accepts and never answers",
    "headers one byte a second",
    "body one byte a second",
    "reset mid-body",
    "TLS handshake stalls",
  ]) {
    test(`${name}: --max-time 3 with --timeout 30 ends within 3 s + 2 s, decided clauses reported`, async () => {
      const pair = name === "TLS handshake stalls" ? await startStalledHandshake() : pairs.get(name)!;
      try {
        const startupBefore = await startupMs();
        const started = Date.now();
        const args = ["scan", ...targetArgs(pair, certs), "--format", "json", "--timeout", "30"];
        const result = await runCli([...args, "--max-time", "3"], 30_000);
        const took = Date.now() - started;
        // Start-up (loading TypeScript under a busy test machine) is not part of the deadline.
        const startup = (startupBefore + (await startupMs())) / 2;
        const elapsed = took - startup;
        // A deadline ignored shows as the 30 s timeout; 2 s of slack is for writing the report on a loaded machine.
        assert.ok(elapsed < 5_000, `took ${elapsed} ms beyond start-up (${startup} ms)`);
        assert.ok(result.code === 1 || result.code === 3, `exit ${result.code}: ${result.stderr}`);
        assert.doesNotMatch(result.stderr, /at .*\.(ts|js):\d+|Unhandled/, "no stack trace");
        if (result.stdout) {
          const report = JSON.parse(result.stdout) as { checks: JsonCheck[] };
          assert.ok(report.checks.length > 0);
          for (const check of report.checks)
            if (check.status === "pass")
              assert.ok(check.evidence.length > 0, `${check.id} passed on nothing`);
          if (result.code === 1) assert.ok(report.checks.some((c) => c.status === "fail"));
        } else assert.equal(result.code, 3);
      } finally {
        if (name === "TLS handshake stalls") {
          pair.plain.close();
          pair.tls.close();
        }
      }
    });
  }

  test("redirects off the host or to other schemes are reported, never followed", async () => {
    for (const name of ["redirect to another host", "redirect to javascript:", "redirect to file:"]) {
      const result = await runCli([
        "scan",
        ...targetArgs(pairs.get(name)!, certs),
        "--format",
        "json",
        "--timeout",
        "2",
      ]);
      const redirect = (JSON.parse(result.stdout) as { checks: JsonCheck[] }).checks.find(
        (c) => c.id === "https-redirect",
      )!;
      assert.equal(redirect.status, "fail", name);
      assert.match(redirect.summary, /off the site's host|not followed/, name);
    }
  });
});
