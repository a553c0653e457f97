/**
 * The PROXY protocol writer and reader against byte sequences worked out by hand from HAProxy's
 * doc/proxy-protocol.txt (sections 2.1 and 2.2), and a round-trip property over every header shape.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  readProxyHeader,
  relayedTcpHeader,
  writeProxyHeader,
  ProxyProtocolError,
  type ProxyHeader,
} from "../../../src/transport/proxy-protocol.js";

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ""), "hex");
// "\r\n\r\n\0\r\nQUIT\n"
const SIGNATURE = "0d0a0d0a 000d0a51 5549540a";

test("v1 TCP4: the specification's own example line", () => {
  const header: ProxyHeader = {
    version: 1,
    protocol: "TCP4",
    source: { address: "192.168.0.1", port: 56324 },
    destination: { address: "192.168.0.11", port: 443 },
  };
  const bytes = writeProxyHeader(header);
  assert.equal(bytes.toString("latin1"), "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n");
  assert.deepEqual(readProxyHeader(bytes), { status: "complete", header, length: bytes.length });
});

test("v1 TCP6 writes canonical addresses; the longest possible TCP6 line is 104 bytes", () => {
  const bytes = writeProxyHeader({
    version: 1,
    protocol: "TCP6",
    source: { address: "2001:DB8:0:0:0:0:0:1", port: 65535 },
    destination: { address: "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", port: 65535 },
  });
  assert.equal(
    bytes.toString("latin1"),
    "PROXY TCP6 2001:db8::1 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n",
  );
  const longest = writeProxyHeader({
    version: 1,
    protocol: "TCP6",
    source: { address: "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", port: 65535 },
    destination: { address: "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", port: 65535 },
  });
  assert.equal(longest.length, 104);
});

test("v1 UNKNOWN is the 15-byte short form; a receiver ignores whatever precedes CRLF", () => {
  assert.equal(writeProxyHeader({ version: 1, protocol: "UNKNOWN" }).toString("latin1"), "PROXY UNKNOWN\r\n");
  const long = Buffer.from("PROXY UNKNOWN ffff::1 ffff::2 65535 65535\r\nGET /");
  assert.deepEqual(readProxyHeader(long), {
    status: "complete",
    header: { version: 1, protocol: "UNKNOWN" },
    length: long.indexOf("GET"),
  });
});

test("v2 PROXY TCP over IPv4: signature, 0x21, 0x11, length 12, addresses then ports, big-endian", () => {
  const bytes = writeProxyHeader(
    relayedTcpHeader(2, { address: "192.0.2.1", port: 56324 }, { address: "203.0.113.7", port: 443 }),
  );
  // 192.0.2.1 = c0 00 02 01, 203.0.113.7 = cb 00 71 07, 56324 = 0xdc04, 443 = 0x01bb
  assert.deepEqual(bytes, hex(`${SIGNATURE} 21 11 000c c0000201 cb007107 dc04 01bb`));
});

test("v2 PROXY TCP over IPv6: family 0x2, length 36", () => {
  const bytes = writeProxyHeader(
    relayedTcpHeader(2, { address: "2001:db8::1", port: 1 }, { address: "::1", port: 80 }),
  );
  assert.deepEqual(
    bytes,
    hex(`${SIGNATURE} 21 21 0024
      20010db8 00000000 00000000 00000001
      00000000 00000000 00000000 00000001
      0001 0050`),
  );
});

test("v2 LOCAL with no address: 0x20, UNSPEC 0x00, length 0", () => {
  const bytes = writeProxyHeader({ version: 2, command: "LOCAL", addresses: { family: "UNSPEC" } });
  assert.deepEqual(bytes, hex(`${SIGNATURE} 20 00 0000`));
});

test("v2 UDP over IPv4 and UNIX stream: 0x12 and 0x31 with two 108-byte NUL-padded paths", () => {
  const udp = writeProxyHeader({
    version: 2,
    command: "PROXY",
    addresses: {
      family: "INET",
      transport: "DGRAM",
      source: { address: "10.0.0.1", port: 53 },
      destination: { address: "10.0.0.2", port: 53 },
    },
  });
  assert.deepEqual(udp, hex(`${SIGNATURE} 21 12 000c 0a000001 0a000002 0035 0035`));
  const unix = writeProxyHeader({
    version: 2,
    command: "PROXY",
    addresses: { family: "UNIX", transport: "STREAM", source: "/a", destination: "/run/b.sock" },
  });
  assert.equal(unix.length, 16 + 216);
  assert.deepEqual(unix.subarray(12, 16), hex("21 31 00d8"));
  assert.deepEqual(unix.subarray(16, 16 + 108), Buffer.concat([Buffer.from("/a"), Buffer.alloc(106)]));
  assert.equal(
    unix
      .subarray(16 + 108)
      .toString("latin1")
      .replace(/\0+$/, ""),
    "/run/b.sock",
  );
});

test("the reader skips TLVs after the address block and leaves the payload", () => {
  const withTlv = hex(`${SIGNATURE} 21 11 0013 7f000001 7f000002 0001 0002 04 0004 00000000`);
  const data = Buffer.concat([withTlv, Buffer.from("GET / HTTP/1.1\r\n")]);
  const read = readProxyHeader(data);
  assert.equal(read.status, "complete");
  assert.equal(read.status === "complete" && read.length, withTlv.length);
});

test("the reader refuses what the specification says must be refused", () => {
  const refused: [string, Buffer][] = [
    ["version 1 in a v2 header", hex(`${SIGNATURE} 11 11 000c c0000201 cb007107 dc04 01bb`)],
    ["unassigned command 2", hex(`${SIGNATURE} 22 11 000c c0000201 cb007107 dc04 01bb`)],
    ["address family 4", hex(`${SIGNATURE} 21 41 0000`)],
    ["transport protocol 3", hex(`${SIGNATURE} 21 13 000c c0000201 cb007107 dc04 01bb`)],
    ["IPv4 block shorter than 12 bytes", hex(`${SIGNATURE} 21 11 0008 c0000201 cb007107`)],
    ["leading zero in an octet", Buffer.from("PROXY TCP4 192.168.0.01 10.0.0.1 1 2\r\n")],
    ["leading zero in a port", Buffer.from("PROXY TCP4 192.168.0.1 10.0.0.1 01 2\r\n")],
    ["port 65536", Buffer.from("PROXY TCP4 192.168.0.1 10.0.0.1 65536 2\r\n")],
    ["IPv6 address under TCP4", Buffer.from("PROXY TCP4 ::1 ::1 1 2\r\n")],
    ["two spaces", Buffer.from("PROXY TCP4  192.168.0.1 10.0.0.1 1 2\r\n")],
    ["a lone LF", Buffer.from("PROXY TCP4 192.168.0.1 10.0.0.1 1 2\n")],
    ["no CRLF in 107 bytes", Buffer.from(`PROXY UNKNOWN ${"f".repeat(120)}`)],
    ["an HTTP request", Buffer.from("GET / HTTP/1.1\r\n")],
  ];
  for (const [what, bytes] of refused) assert.equal(readProxyHeader(bytes).status, "invalid", what);
});

test("the writer refuses addresses and ports that cannot be encoded", () => {
  const tcp4 = (address: string, port = 1): ProxyHeader => ({
    version: 1,
    protocol: "TCP4",
    source: { address, port },
    destination: { address: "10.0.0.1", port: 2 },
  });
  assert.throws(() => writeProxyHeader(tcp4("256.0.0.1")), ProxyProtocolError);
  assert.throws(() => writeProxyHeader(tcp4("10.0.0.1", 70000)), ProxyProtocolError);
  assert.throws(() =>
    writeProxyHeader(relayedTcpHeader(2, { address: "1::2::3", port: 1 }, { address: "::1", port: 1 })),
  );
  assert.throws(() =>
    writeProxyHeader({
      version: 2,
      command: "PROXY",
      addresses: { family: "UNIX", transport: "STREAM", source: "x".repeat(109), destination: "" },
    }),
  );
});

// --- round trip --------------------------------------------------------------------------------

const ipv4 = fc
  .tuple(...Array.from({ length: 4 }, () => fc.integer({ min: 0, max: 255 })))
  .map((b) => b.join("."));
/** Any spelling of an IPv6 address: full groups, upper case, leading zeros, or one "::" somewhere. */
const ipv6 = fc
  .record({
    groups: fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }),
    upper: fc.boolean(),
    padded: fc.boolean(),
    elide: fc.option(fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 1, max: 8 }))),
  })
  .map(({ groups, upper, padded, elide }) => {
    const text = groups.map((g) => {
      const h = g.toString(16);
      return (upper ? h.toUpperCase() : h).padStart(padded ? 4 : 1, "0");
    });
    if (!elide) return text.join(":");
    const [start, wanted] = elide;
    const length = Math.min(wanted, 8 - start);
    if (!groups.slice(start, start + length).every((g) => g === 0)) return text.join(":");
    return `${text.slice(0, start).join(":")}::${text.slice(start + length).join(":")}`;
  });
const port = fc.integer({ min: 0, max: 65535 });
const endpoint = (address: fc.Arbitrary<string>) => fc.record({ address, port });
const unixPath = fc
  .string({ unit: "binary", maxLength: 30 })
  .filter((p) => !p.includes("\0") && Buffer.byteLength(p) <= 108);

const headers: fc.Arbitrary<ProxyHeader> = fc.oneof(
  fc.record({
    version: fc.constant(1 as const),
    protocol: fc.constant("TCP4" as const),
    source: endpoint(ipv4),
    destination: endpoint(ipv4),
  }),
  fc.record({
    version: fc.constant(1 as const),
    protocol: fc.constant("TCP6" as const),
    source: endpoint(ipv6),
    destination: endpoint(ipv6),
  }),
  fc.constant({ version: 1 as const, protocol: "UNKNOWN" as const }),
  fc.record({
    version: fc.constant(2 as const),
    command: fc.constantFrom("LOCAL" as const, "PROXY" as const),
    addresses: fc.oneof(
      fc.constant({ family: "UNSPEC" as const }),
      fc.record({
        family: fc.constant("INET" as const),
        transport: fc.constantFrom("STREAM" as const, "DGRAM" as const),
        source: endpoint(ipv4),
        destination: endpoint(ipv4),
      }),
      fc.record({
        family: fc.constant("INET6" as const),
        transport: fc.constantFrom("STREAM" as const, "DGRAM" as const),
        source: endpoint(ipv6),
        destination: endpoint(ipv6),
      }),
      fc.record({
        family: fc.constant("UNIX" as const),
        transport: fc.constantFrom("STREAM" as const, "DGRAM" as const),
        source: unixPath,
        destination: unixPath,
      }),
    ),
  }),
);

/** WHATWG URL parsing serialises IPv6 the RFC 5952 way: an oracle independent of the module under test. */
const canonical6 = (address: string) => new URL(`http://[${address}]/`).hostname.slice(1, -1);

function expectedAfterReading(generated: ProxyHeader): ProxyHeader {
  // fast-check's records have no prototype; what the reader returns has.
  const header = structuredClone(generated);
  const norm = <T extends { address: string }>(e: T, v6: boolean): T =>
    v6 ? { ...e, address: canonical6(e.address) } : e;
  if (header.version === 1) {
    if (header.protocol === "UNKNOWN") return header;
    const v6 = header.protocol === "TCP6";
    return { ...header, source: norm(header.source, v6), destination: norm(header.destination, v6) };
  }
  const a = header.addresses;
  if (a.family !== "INET" && a.family !== "INET6") return header;
  const v6 = a.family === "INET6";
  return { ...header, addresses: { ...a, source: norm(a.source, v6), destination: norm(a.destination, v6) } };
}

test("10,000 headers of every shape: the reader gives back what the writer was given, and needs all of it", () => {
  fc.assert(
    fc.property(headers, fc.uint8Array({ maxLength: 20 }), (header, payload) => {
      const bytes = writeProxyHeader(header);
      const read = readProxyHeader(Buffer.concat([bytes, payload]));
      assert.deepEqual(read, {
        status: "complete",
        header: expectedAfterReading(header),
        length: bytes.length,
      });
      if (header.version === 1) assert.ok(bytes.length <= 107);
      // Cut anywhere, a header is not yet a header.
      const cut = Math.floor(bytes.length / 2);
      assert.equal(readProxyHeader(bytes.subarray(0, cut)).status, "incomplete");
    }),
    { numRuns: 10_000 },
  );
});
