/**
 * Kept-alive connections: requests marked reusable share a few, every other request opens its own, and
 * a kept connection the server closed while idle is retried on a new one instead of reported.
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { createServer as createNetServer, type Socket } from "node:net";
import { after, before, test } from "node:test";
import { ConnectionPool, DEFAULT_TRANSPORT, send, type WireRequest } from "../../../src/transport/send.js";

let server: Server;
let port = 0;
const connections: Socket[] = [];
const SLOW_MS = 150;
/** Connections that hang up on their next request, as a server whose idle timeout just expired does. */
const expiring = new Set<Socket>();

before(async () => {
  server = createServer((req, res) => {
    if (expiring.has(req.socket)) return req.socket.destroy();
    if (req.url?.startsWith("/expire")) expiring.add(req.socket);
    const answer = () => res.end(`connection ${connections.indexOf(req.socket) + 1}`);
    if (req.url?.startsWith("/slow")) setTimeout(answer, SLOW_MS);
    else answer();
  });
  server.on("connection", (socket: Socket) => connections.push(socket));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
});
after(() => server.close());

const request = (path: string, reuseConnection: boolean): WireRequest => ({
  method: "GET",
  url: new URL(`http://127.0.0.1:${port}${path}`),
  headers: [["Host", `127.0.0.1:${port}`]],
  reuseConnection,
});

async function body(req: WireRequest, opts: Parameters<typeof send>[1]): Promise<string> {
  const result = await send(req, opts);
  assert.ok(result.ok, result.ok ? "" : result.error);
  return result.response.body;
}

test("reusable requests share a kept-alive connection; the others each open their own", async () => {
  const pool = new ConnectionPool();
  const opts = { ...DEFAULT_TRANSPORT, mappings: [], connections: pool };
  const before = connections.length;
  try {
    const first = await body(request("/a", true), opts);
    assert.equal(await body(request("/b", true), opts), first);
    assert.notEqual(await body(request("/c", false), opts), first);
    assert.notEqual(await body(request("/d", false), opts), first);
    assert.equal(connections.length - before, 3);
  } finally {
    pool.close();
  }
});

test("a kept connection the server hangs up on is retried on a new one", async () => {
  const pool = new ConnectionPool();
  const opts = { ...DEFAULT_TRANSPORT, mappings: [], connections: pool };
  try {
    const closed = await body(request("/expire", true), opts);
    const next = await body(request("/after", true), opts);
    assert.match(next, /^connection \d+$/);
    assert.notEqual(next, closed);
  } finally {
    pool.close();
  }
});

test("without a pool, reusable requests still get connections of their own", async () => {
  const opts = { ...DEFAULT_TRANSPORT, mappings: [] };
  assert.notEqual(await body(request("/e", true), opts), await body(request("/f", true), opts));
});

test("many reusable requests at once share at most four connections; waiting for one is not the server's time", async () => {
  const pool = new ConnectionPool();
  // Twelve answers of 150 ms on four connections take 450 ms: the last ones wait 300 ms for a connection.
  const opts = { ...DEFAULT_TRANSPORT, timeoutMs: 400, mappings: [], connections: pool };
  const before = connections.length;
  try {
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => body(request(`/slow${i}`, true), opts)),
    );
    assert.equal(connections.length - before, 4);
    assert.equal(new Set(answers).size, 4);
  } finally {
    pool.close();
  }
});

test("a queued request handed a connection the server then hangs up on is retried on a new one", async () => {
  const pool = new ConnectionPool();
  const opts = { ...DEFAULT_TRANSPORT, mappings: [], connections: pool };
  try {
    // Four connections, each told to hang up on its next request; the four requests queued behind them get those.
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => send(request(i < 4 ? `/expire${i}` : `/next${i}`, true), opts)),
    );
    for (const result of results) assert.ok(result.ok, result.ok ? "" : result.error);
  } finally {
    pool.close();
  }
});

/** A server of raw answers: `answer` gets each request's first bytes and writes what it likes. */
async function rawServer(answer: (socket: Socket, request: string) => void) {
  const requests: string[] = [];
  const server = createNetServer((socket) =>
    socket
      // The client closes a connection whose body it stopped reading.
      .on("error", () => undefined)
      .on("data", (data) => {
        requests.push(data.toString("latin1"));
        answer(socket, data.toString("latin1"));
      }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  return { requests, url, close: () => server.close() };
}

async function sendBoth(url: string, req: Partial<WireRequest> = {}) {
  const request: WireRequest = {
    method: "GET",
    url: new URL(url),
    headers: [["Host", "shop.example"]],
    ...req,
  };
  const pool = new ConnectionPool();
  try {
    const kept = await send(
      { ...request, reuseConnection: true },
      { ...DEFAULT_TRANSPORT, mappings: [], connections: pool },
    );
    const fresh = await send(request, { ...DEFAULT_TRANSPORT, mappings: [] });
    return { kept, fresh };
  } finally {
    pool.close();
  }
}

test("an answer the pool's reader leaves to node:http is read by it from the same bytes: sent once, read as on a connection of its own", async () => {
  const shapes = [
    // A body ended by closing the connection.
    "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end",
    // An interim answer first.
    "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 7\r\nConnection: close\r\n\r\nwelcome",
    // Bare LF line ends, a banner: faults node:http names.
    "HTTP/1.1 200 OK\nContent-Length: 2\n\nok",
    "SSH-2.0-OpenSSH_9.2\r\n",
  ];
  for (const shape of shapes) {
    const server = await rawServer((socket) => socket.end(shape));
    try {
      const { kept, fresh } = await sendBoth(server.url, { method: "POST", body: "csrfmiddlewaretoken=t" });
      assert.deepEqual(strip(kept), strip(fresh), JSON.stringify(shape));
      assert.equal(server.requests.length, 2, "one request each way");
    } finally {
      server.close();
    }
  }
});

test("a new kept connection closed unanswered, and a body over the limit, read as on a connection of their own", async () => {
  const closing = await rawServer((socket) => socket.destroy());
  const big = await rawServer((socket) =>
    socket.write(`HTTP/1.1 200 OK\r\nContent-Length: 300000\r\n\r\n${"x".repeat(300_000)}`),
  );
  try {
    for (const server of [closing, big]) {
      const { kept, fresh } = await sendBoth(server.url);
      assert.deepEqual(strip(kept), strip(fresh));
      assert.equal(server.requests.length, 2);
    }
  } finally {
    closing.close();
    big.close();
  }
});

test("after the pool closes, a request gets its answer at once: no connection is lent or opened", async () => {
  const pool = new ConnectionPool();
  pool.close();
  const result = await send(request("/late", true), {
    ...DEFAULT_TRANSPORT,
    mappings: [],
    connections: pool,
  });
  assert.deepEqual(result, {
    ok: false,
    error: "the scan ended before a connection was free",
    noAnswer: true,
  });
});

/** A result without the Date header, which differs from one answer to the next. */
function strip(result: Awaited<ReturnType<typeof send>>) {
  if (!result.ok) return result;
  return {
    ...result,
    response: { ...result.response, headers: result.response.headers.filter(([n]) => n !== "Date") },
  };
}

test("a connection whose answer node:http read is closed after it, so later requests are not left waiting for a place", async () => {
  // An interim answer first: read by node:http, on a connection that stays open unless closed.
  const server = await rawServer((socket) =>
    socket.write("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
  );
  const pool = new ConnectionPool();
  try {
    for (let i = 0; i < 6; i++) {
      const result = await send(
        {
          method: "GET",
          url: new URL(`${server.url}${i}`),
          headers: [["Host", "shop.example"]],
          reuseConnection: true,
        },
        // A request left waiting for a place fails at this deadline instead of hanging the test.
        { ...DEFAULT_TRANSPORT, mappings: [], connections: pool, signal: AbortSignal.timeout(5000) },
      );
      assert.ok(result.ok, `request ${i}: ${result.ok ? "" : result.error}`);
    }
  } finally {
    pool.close();
    server.close();
  }
});
