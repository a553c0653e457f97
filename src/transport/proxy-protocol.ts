/**
 * The PROXY protocol, versions 1 (text) and 2 (binary), as specified in HAProxy's
 * doc/proxy-protocol.txt: a writer, to forge or relay a client address the way a load balancer
 * does, and a strict reader for the same headers. TLVs are neither written nor interpreted.
 */
import { isIPv4 } from "node:net";

export interface InetEndpoint {
  address: string;
  port: number;
}

export type V1Header =
  | { version: 1; protocol: "TCP4" | "TCP6"; source: InetEndpoint; destination: InetEndpoint }
  | { version: 1; protocol: "UNKNOWN" };

export type V2Addresses =
  | { family: "UNSPEC" }
  | {
      family: "INET" | "INET6";
      transport: "STREAM" | "DGRAM";
      source: InetEndpoint;
      destination: InetEndpoint;
    }
  | { family: "UNIX"; transport: "STREAM" | "DGRAM"; source: string; destination: string };

export interface V2Header {
  version: 2;
  /** LOCAL: the proxy's own connection (a health check); PROXY: relayed for the client. */
  command: "LOCAL" | "PROXY";
  addresses: V2Addresses;
}

export type ProxyHeader = V1Header | V2Header;

export class ProxyProtocolError extends Error {}

export const V2_SIGNATURE = Buffer.from([
  0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a,
]);
const V1_PREFIX = "PROXY ";
/** The longest v1 line, CRLF included ("PROXY UNKNOWN" with two full IPv6 addresses). */
export const V1_MAX_LENGTH = 107;
const V2_FIXED_LENGTH = 16;
const UNIX_PATH_BYTES = 108;

const FAMILY_CODES = { UNSPEC: 0x0, INET: 0x1, INET6: 0x2, UNIX: 0x3 } as const;
const TRANSPORT_CODES = { UNSPEC: 0x0, STREAM: 0x1, DGRAM: 0x2 } as const;
const COMMAND_CODES = { LOCAL: 0x0, PROXY: 0x1 } as const;

// --- addresses -------------------------------------------------------------------------------

const DECIMAL_OCTET = /^(0|[1-9]\d{0,2})$/;
const DECIMAL_PORT = /^(0|[1-9]\d{0,4})$/;

/** Dotted-quad text to 4 bytes; only the canonical form (no leading zeros) is accepted. */
function ipv4Bytes(text: string): Buffer {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => DECIMAL_OCTET.test(p) && Number(p) <= 255))
    throw new ProxyProtocolError(`'${text}' is not a canonical IPv4 address`);
  return Buffer.from(parts.map(Number));
}

/** Colon-hex text (at most one "::") to 16 bytes. */
function ipv6Bytes(text: string): Buffer {
  const halves = text.split("::");
  if (halves.length > 2) throw new ProxyProtocolError(`'${text}' has more than one '::'`);
  const groupsOf = (half: string) => (half === "" ? [] : half.split(":"));
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  const valid = halves.length === 2 ? missing >= 1 : missing === 0;
  const groups = [...head, ...(halves.length === 2 ? Array<string>(missing).fill("0") : []), ...tail];
  if (!valid || !groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g)))
    throw new ProxyProtocolError(`'${text}' is not an IPv6 address of 8 hexadecimal groups`);
  const bytes = Buffer.alloc(16);
  groups.forEach((g, i) => bytes.writeUInt16BE(parseInt(g, 16), i * 2));
  return bytes;
}

function formatIpv4(bytes: Buffer): string {
  return [...bytes].join(".");
}

/** RFC 5952 text: lower case, no leading zeros, the longest run of two or more zero groups as "::". */
function formatIpv6(bytes: Buffer): string {
  const groups = Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(i * 2));
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === 0) length++;
    if (length > bestLength) [bestStart, bestLength] = [start, length];
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(":");
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
}

/** Any accepted spelling of an IPv6 address, in canonical text. */
export function canonicalIpv6(text: string): string {
  return formatIpv6(ipv6Bytes(text));
}

function checkPort(port: number): void {
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ProxyProtocolError(`port ${port} is outside 0..65535`);
}

// --- writer ----------------------------------------------------------------------------------

function v1Line(header: V1Header): string {
  if (header.protocol === "UNKNOWN") return "PROXY UNKNOWN\r\n";
  const { source, destination } = header;
  const text = (address: string) =>
    header.protocol === "TCP4" ? formatIpv4(ipv4Bytes(address)) : canonicalIpv6(address);
  checkPort(source.port);
  checkPort(destination.port);
  return `PROXY ${header.protocol} ${text(source.address)} ${text(destination.address)} ${source.port} ${destination.port}\r\n`;
}

function unixPathBytes(path: string): Buffer {
  const bytes = Buffer.alloc(UNIX_PATH_BYTES);
  const written = Buffer.from(path, "utf8");
  // The path is NUL-padded; a path as long as the field leaves no terminator, as in sockaddr_un.
  if (written.length > UNIX_PATH_BYTES || written.includes(0))
    throw new ProxyProtocolError(`unix path of ${written.length} bytes does not fit in ${UNIX_PATH_BYTES}`);
  written.copy(bytes);
  return bytes;
}

function v2AddressBlock(addresses: V2Addresses): Buffer {
  switch (addresses.family) {
    case "UNSPEC":
      return Buffer.alloc(0);
    case "UNIX":
      return Buffer.concat([unixPathBytes(addresses.source), unixPathBytes(addresses.destination)]);
    case "INET":
    case "INET6": {
      const bytesOf = addresses.family === "INET" ? ipv4Bytes : ipv6Bytes;
      checkPort(addresses.source.port);
      checkPort(addresses.destination.port);
      const ports = Buffer.alloc(4);
      ports.writeUInt16BE(addresses.source.port, 0);
      ports.writeUInt16BE(addresses.destination.port, 2);
      return Buffer.concat([
        bytesOf(addresses.source.address),
        bytesOf(addresses.destination.address),
        ports,
      ]);
    }
  }
}

/** The exact bytes a sender puts on the connection before anything else. */
export function writeProxyHeader(header: ProxyHeader): Buffer {
  if (header.version === 1) return Buffer.from(v1Line(header), "ascii");
  const block = v2AddressBlock(header.addresses);
  const fixed = Buffer.alloc(4);
  fixed[0] = 0x20 | COMMAND_CODES[header.command];
  const transport = header.addresses.family === "UNSPEC" ? "UNSPEC" : header.addresses.transport;
  fixed[1] = (FAMILY_CODES[header.addresses.family] << 4) | TRANSPORT_CODES[transport];
  fixed.writeUInt16BE(block.length, 2);
  return Buffer.concat([V2_SIGNATURE, fixed, block]);
}

/** A PROXY header claiming `client` as the source of a TCP connection to `server`, in the family of `client`. */
export function relayedTcpHeader(version: 1 | 2, client: InetEndpoint, server: InetEndpoint): ProxyHeader {
  const v4 = isIPv4(client.address);
  if (version === 1) return { version, protocol: v4 ? "TCP4" : "TCP6", source: client, destination: server };
  return {
    version,
    command: "PROXY",
    addresses: { family: v4 ? "INET" : "INET6", transport: "STREAM", source: client, destination: server },
  };
}

/** How a header reads in a report: the v1 line without CRLF, or v2 as hex. */
export function describeProxyHeader(bytes: Buffer): string {
  return bytes.subarray(0, V2_SIGNATURE.length).equals(V2_SIGNATURE)
    ? `v2 ${bytes.toString("hex")}`
    : bytes.toString("latin1").replace(/\r\n$/, "");
}

// --- reader ----------------------------------------------------------------------------------

export type ReadResult =
  | { status: "complete"; header: ProxyHeader; length: number }
  /** A valid prefix: more bytes are needed. */
  | { status: "incomplete" }
  | { status: "invalid"; reason: string };

const invalid = (reason: string): ReadResult => ({ status: "invalid", reason });

function readV1(data: Buffer): ReadResult {
  const window = data.subarray(0, V1_MAX_LENGTH).toString("latin1");
  const end = window.indexOf("\r\n");
  if (end < 0) {
    if (data.length >= V1_MAX_LENGTH) return invalid(`no CRLF in the first ${V1_MAX_LENGTH} bytes`);
    // A lone LF (or a CR not followed by LF) can never become a valid line.
    return /\n|\r[^\n]/.test(window) ? invalid("line ends without CRLF") : { status: "incomplete" };
  }
  const line = window.slice(0, end);
  const length = end + 2;
  if (/[\r\n]/.test(line)) return invalid("line ends without CRLF");
  const fields = line.split(" ");
  if (fields[1] === "UNKNOWN")
    return { status: "complete", header: { version: 1, protocol: "UNKNOWN" }, length };
  const [, protocol, source, destination, sourcePort, destinationPort, ...extra] = fields;
  if (protocol !== "TCP4" && protocol !== "TCP6") return invalid(`unknown protocol '${protocol}'`);
  if (extra.length || destinationPort === undefined)
    return invalid("expected exactly 6 space-separated fields");
  const ports = [sourcePort!, destinationPort];
  if (!ports.every((p) => DECIMAL_PORT.test(p) && Number(p) <= 65535)) return invalid("malformed port");
  try {
    const text = (address: string) =>
      protocol === "TCP4" ? formatIpv4(ipv4Bytes(address)) : formatIpv6(ipv6Bytes(address));
    return {
      status: "complete",
      header: {
        version: 1,
        protocol,
        source: { address: text(source!), port: Number(sourcePort) },
        destination: { address: text(destination!), port: Number(destinationPort) },
      },
      length,
    };
  } catch (error) {
    return invalid((error as Error).message);
  }
}

function unixPath(bytes: Buffer): string {
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end < 0 ? bytes.length : end).toString("utf8");
}

function readV2(data: Buffer): ReadResult {
  if (data.length < V2_FIXED_LENGTH) return { status: "incomplete" };
  const versionCommand = data[12]!;
  if (versionCommand >> 4 !== 2) return invalid(`version ${versionCommand >> 4}, expected 2`);
  const command = (["LOCAL", "PROXY"] as const)[versionCommand & 0x0f];
  if (!command) return invalid(`unassigned command ${versionCommand & 0x0f}`);
  const familyCode = data[13]! >> 4;
  const transportCode = data[13]! & 0x0f;
  const family = (["UNSPEC", "INET", "INET6", "UNIX"] as const)[familyCode];
  const transport = (["UNSPEC", "STREAM", "DGRAM"] as const)[transportCode];
  if (!family) return invalid(`unspecified address family ${familyCode}`);
  if (!transport) return invalid(`unspecified transport protocol ${transportCode}`);
  const blockLength = data.readUInt16BE(14);
  const length = V2_FIXED_LENGTH + blockLength;
  if (data.length < length) return { status: "incomplete" };
  const block = data.subarray(V2_FIXED_LENGTH, length);
  const complete = (addresses: V2Addresses): ReadResult => ({
    status: "complete",
    header: { version: 2, command, addresses },
    length,
  });
  if (family === "UNSPEC" || transport === "UNSPEC") {
    // Only the two UNSPEC halves together are a combination the specification lists.
    return family === transport ? complete({ family: "UNSPEC" }) : invalid("UNSPEC family with a transport");
  }
  if (family === "UNIX") {
    if (block.length < 2 * UNIX_PATH_BYTES) return invalid("address block too short for AF_UNIX");
    return complete({
      family,
      transport,
      source: unixPath(block.subarray(0, UNIX_PATH_BYTES)),
      destination: unixPath(block.subarray(UNIX_PATH_BYTES, 2 * UNIX_PATH_BYTES)),
    });
  }
  const size = family === "INET" ? 4 : 16;
  if (block.length < 2 * size + 4) return invalid(`address block too short for AF_${family}`);
  const text = family === "INET" ? formatIpv4 : formatIpv6;
  return complete({
    family,
    transport,
    source: { address: text(block.subarray(0, size)), port: block.readUInt16BE(2 * size) },
    destination: { address: text(block.subarray(size, 2 * size)), port: block.readUInt16BE(2 * size + 2) },
  });
}

/** Reads the PROXY header at the start of `data`, strictly: anything not exactly per the specification is invalid. */
export function readProxyHeader(data: Buffer): ReadResult {
  const signatureSeen = data.subarray(0, V2_SIGNATURE.length);
  if (V2_SIGNATURE.subarray(0, signatureSeen.length).equals(signatureSeen)) {
    return signatureSeen.length < V2_SIGNATURE.length ? { status: "incomplete" } : readV2(data);
  }
  const prefixSeen = data.subarray(0, V1_PREFIX.length).toString("latin1");
  if (!V1_PREFIX.startsWith(prefixSeen)) return invalid("neither a v1 nor a v2 PROXY header");
  return prefixSeen.length < V1_PREFIX.length ? { status: "incomplete" } : readV1(data);
}
