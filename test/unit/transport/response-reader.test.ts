/**
 * The kept-alive connections' response reader: the common shapes read whole however the bytes are cut,
 * everything else left to node:http ("unusual"), never a wrong answer.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { ResponseReader, type ReadProgress } from "../../../src/transport/response-reader.js";

const LIMITS = { maxHeaderBytes: 1024, maxBodyBytes: 64 };

function read(raw: string, cuts: number[] = [], headOnly = false, limits = LIMITS) {
  const reader = new ResponseReader(limits, headOnly);
  const bytes = Buffer.from(raw, "latin1");
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  let progress: ReadProgress = "more";
  let from = 0;
  for (const to of [...points, bytes.length]) {
    if (to <= from) continue;
    progress = reader.feed(bytes.subarray(from, to));
    from = to;
    if (progress !== "more") break;
  }
  const result = reader.result;
  return {
    progress,
    status: result?.status,
    headers: result?.headers,
    body: result ? Buffer.concat(result.body).toString("latin1") : undefined,
    truncated: result?.bodyTruncated,
    reusable: result?.reusable,
  };
}

const LENGTH =
  "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nContent-Length: 11\r\n\r\nhello world";
const CHUNKED =
  "HTTP/1.1 302 Found\r\nLocation:  /login/ \r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n";

test("a Content-Length body: status, every header as sent (values trimmed), the body, reusable", () => {
  assert.deepEqual(read(LENGTH), {
    progress: "done",
    status: 200,
    headers: [
      ["Content-Type", "text/html"],
      ["Set-Cookie", "a=1"],
      ["set-cookie", "b=2"],
      ["Content-Length", "11"],
    ],
    body: "hello world",
    truncated: false,
    reusable: true,
  });
});

test("a chunked body with extensions and trailers is joined", () => {
  const read302 = read(CHUNKED);
  assert.equal(read302.progress, "done");
  assert.equal(read302.body, "hello world");
  assert.deepEqual(read302.headers?.[0], ["Location", "/login/"]);
  assert.equal(read302.reusable, true);
});

test("however the bytes are cut, the same response is read", () => {
  for (const raw of [LENGTH, CHUNKED])
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 12 }), (cuts) => {
        assert.deepEqual(read(raw, cuts), read(raw));
      }),
    );
});

test("no body: HEAD, 204 and 304 end with their headers, whatever length they announce", () => {
  assert.deepEqual(
    [
      read("HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n", [], true),
      read("HTTP/1.1 204 No Content\r\n\r\n"),
      read("HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n"),
    ].map((r) => [r.progress, r.status, r.body, r.reusable]),
    [
      ["done", 200, "", true],
      ["done", 204, "", true],
      ["done", 304, "", true],
    ],
  );
});

test("Connection: close and HTTP/1.0 leave the connection unused", () => {
  const closes = read("HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\nContent-Length: 2\r\n\r\nok");
  const old = read("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok");
  assert.deepEqual(
    [closes, old].map((r) => [r.progress, r.body, r.reusable]),
    [
      ["done", "ok", false],
      ["done", "ok", false],
    ],
  );
});

test("a body over the limit keeps its first bytes, says so, and ends the connection", () => {
  const long = "x".repeat(100);
  for (const raw of [
    `HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n${long}`,
    `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n64\r\n${long}\r\n0\r\n\r\n`,
  ]) {
    const r = read(raw, [50, 90]);
    assert.deepEqual([r.progress, r.body?.length, r.truncated, r.reusable], ["done", 64, true, false]);
  }
  const exact = read(`HTTP/1.1 200 OK\r\nContent-Length: 64\r\n\r\n${"y".repeat(64)}`);
  assert.deepEqual([exact.body?.length, exact.truncated, exact.reusable], [64, false, true]);
});

test("every other shape is left to node:http", () => {
  const unusual = [
    "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
    "HTTP/1.1 200 OK\r\n\r\nbody until the connection closes",
    "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n",
    "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok",
    "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
    "HTTP/1.1 200 OK\r\nX-Folded: a\r\n b\r\nContent-Length: 0\r\n\r\n",
    "HTTP/1.1 200 OK\nContent-Length: 0\n\n\r\n\r\n",
    "HTTP/2 200\r\nContent-Length: 0\r\n\r\n",
    "SSH-2.0-OpenSSH_9.2\r\n\r\n",
    "HTTP/1.1 200 OK\r\nno colon here\r\nContent-Length: 0\r\n\r\n",
    "HTTP/1.1 200 OK\r\nBad Name: x\r\nContent-Length: 0\r\n\r\n",
    `HTTP/1.1 200 OK\r\nX-Big: ${"b".repeat(2000)}\r\nContent-Length: 0\r\n\r\n`,
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n",
    // What node:http refuses: control characters in a value, a space before a chunk extension, bad trailers.
    "HTTP/1.1 302 Found\r\nLocation: /a\x01b\r\nContent-Length: 0\r\n\r\n",
    "HTTP/1.1 200 OK\r\nSet-Cookie: a=1\x7f\r\nContent-Length: 0\r\n\r\n",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2 ;a=b\r\nok\r\n0\r\n\r\n",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;a\x01\r\nok\r\n0\r\n\r\n",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nnot a trailer\r\n\r\n",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\n",
    // Bytes past the answer in the same read.
    "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n",
  ];
  for (const raw of unusual) assert.equal(read(raw).progress, "unusual", JSON.stringify(raw));
  // A header block over the limit is given up on before its end arrives.
  assert.equal(read(`HTTP/1.1 200 OK\r\nX-Big: ${"b".repeat(2000)}`).progress, "unusual");
});

test("what cannot become a response is handed over as it arrives, never waited on", () => {
  const early = (raw: string) => new ResponseReader(LIMITS, false).feed(Buffer.from(raw, "latin1"));
  // A banner, bare LF line ends, an endless chunk-size line: no CRLFCRLF will come to end the wait.
  assert.equal(early("SSH-2.0-OpenSSH_9.2"), "unusual");
  assert.equal(early("\x16\x03\x01"), "unusual");
  assert.equal(early("HTTP/1.1 200 OK\nServer: x"), "unusual");
  assert.equal(
    early(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;x=${"a".repeat(5000)}`),
    "unusual",
  );
  // A head trickled byte by byte is left to node:http after a few reads, not rescanned for each byte.
  const trickled = new ResponseReader({ ...LIMITS, maxHeaderBytes: 64 * 1024 }, false);
  let progress: ReadProgress = "more";
  for (const byte of Buffer.from("HTTP/1.1 200 OK\r\nX-Slow: 1234567890123456789012345678901234567890")) {
    progress = trickled.feed(Buffer.from([byte]));
    if (progress !== "more") break;
  }
  assert.equal(progress, "unusual");
});

test("a chunked body with line feeds in its data, arriving in many reads, reads whole", () => {
  const body = "<p>\nline\n</p>\n".repeat(4);
  const size = body.length.toString(16);
  const raw = Buffer.from(
    `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${size}\r\n${body}\r\n${size}\r\n${body}\r\n0\r\n\r\n`,
  );
  const reader = new ResponseReader({ ...LIMITS, maxBodyBytes: 1024 }, false);
  let progress: ReadProgress = "more";
  for (let i = 0; i < raw.length && progress === "more"; i += 3)
    progress = reader.feed(raw.subarray(i, i + 3));
  assert.equal(progress, "done");
  assert.equal(Buffer.concat(reader.result!.body).toString(), body + body);
});

test("until the whole response has arrived, more is asked for", () => {
  for (const raw of [LENGTH, CHUNKED]) {
    const reader = new ResponseReader(LIMITS, false);
    assert.equal(reader.started, false);
    assert.equal(reader.feed(Buffer.from(raw.slice(0, -1), "latin1")), "more");
    assert.equal(reader.started, true);
    assert.equal(reader.result, undefined);
    assert.equal(reader.feed(Buffer.from(raw.slice(-1), "latin1")), "done");
  }
});
