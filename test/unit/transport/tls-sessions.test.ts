/**
 * TLS session resumption: a connection to a server and name an earlier connection of the scan already
 * negotiated resumes that session, whether the earlier one was kept alive or not; another name does not.
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:https";
import { createServer as createTcpServer } from "node:net";
import type { TLSSocket } from "node:tls";
import { after, before, test } from "node:test";
import { ConnectionPool, DEFAULT_TRANSPORT, send, type WireRequest } from "../../../src/transport/send.js";
import { throwawayClientCertificate } from "../../../src/transport/throwaway-certificate.js";

let server: Server;
let port = 0;
/** Per accepted connection, in order: the name the client asked for and whether it resumed a session. */
const handshakes: { servername: string; resumed: boolean }[] = [];

before(async () => {
  server = createServer(throwawayClientCertificate("sessions.test"), (_req, res) => res.end("ok"));
  server.on("secureConnection", (socket: TLSSocket) =>
    handshakes.push({
      servername: (socket as TLSSocket & { servername?: string }).servername ?? "",
      resumed: socket.isSessionReused(),
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
});
after(() => server.close());

const request = (servername: string, reuseConnection: boolean): WireRequest => ({
  method: "GET",
  url: new URL(`https://127.0.0.1:${port}/`),
  headers: [["Host", servername]],
  servername,
  reuseConnection,
});

test("fresh and kept-alive connections resume the session negotiated for the same server name", async () => {
  const pool = new ConnectionPool();
  const opts = { ...DEFAULT_TRANSPORT, insecure: true, mappings: [], connections: pool };
  const seen = handshakes.length;
  try {
    for (const [servername, reuse] of [
      ["a.sessions.test", true],
      ["a.sessions.test", false],
      ["b.sessions.test", false],
      ["a.sessions.test", false],
    ] as const) {
      const result = await send(request(servername, reuse), opts);
      assert.ok(result.ok, result.ok ? "" : result.error);
    }
  } finally {
    pool.close();
  }
  assert.deepEqual(handshakes.slice(seen), [
    { servername: "a.sessions.test", resumed: false },
    { servername: "a.sessions.test", resumed: true },
    { servername: "b.sessions.test", resumed: false },
    { servername: "a.sessions.test", resumed: true },
  ]);
});

test("requests started together to a new server name make one full handshake; the others resume it", async () => {
  const pool = new ConnectionPool();
  const opts = { ...DEFAULT_TRANSPORT, insecure: true, mappings: [], connections: pool };
  const seen = handshakes.length;
  try {
    const results = await Promise.all(
      [true, true, false, false].map((reuse) => send(request("c.sessions.test", reuse), opts)),
    );
    for (const result of results) assert.ok(result.ok, result.ok ? "" : result.error);
  } finally {
    pool.close();
  }
  assert.deepEqual(
    handshakes.slice(seen).map((h) => h.resumed),
    [false, true, true, true],
  );
});

test(
  "a first handshake that fails does not hold back the connections waiting for its session",
  { timeout: 10_000 },
  async () => {
    // Accepts and drops every connection: no handshake completes, so no session ever comes.
    const dropping = createTcpServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => dropping.listen(0, "127.0.0.1", resolve));
    const droppingPort = (dropping.address() as { port: number }).port;
    try {
      const opts = { ...DEFAULT_TRANSPORT, insecure: true, mappings: [] };
      const url = new URL(`https://127.0.0.1:${droppingPort}/`);
      const results = await Promise.all(
        [1, 2, 3].map(() => send({ ...request("d.sessions.test", false), url }, opts)),
      );
      assert.deepEqual(
        results.map((result) => result.ok),
        [false, false, false],
      );
    } finally {
      dropping.close();
    }
  },
);

test("a resumed connection reports the certificate of the handshake that made its session", async () => {
  const pool = new ConnectionPool();
  const opts = { ...DEFAULT_TRANSPORT, insecure: true, mappings: [], connections: pool };
  const seen = handshakes.length;
  const fingerprints: (string | undefined)[] = [];
  try {
    for (const reuse of [false, false, true]) {
      const result = await send({ ...request("d.sessions.test", reuse), recordCertificate: true }, opts);
      assert.ok(result.ok, result.ok ? "" : result.error);
      fingerprints.push(result.response.tlsCertificateSha256);
    }
  } finally {
    pool.close();
  }
  assert.deepEqual(
    handshakes.slice(seen).map((h) => h.resumed),
    [false, true, true],
  );
  assert.match(fingerprints[0] ?? "", /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  assert.deepEqual(fingerprints, [fingerprints[0], fingerprints[0], fingerprints[0]]);
});
