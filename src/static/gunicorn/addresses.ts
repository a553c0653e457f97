/** Classifying the addresses that proxies and app servers bind to, trust or dial. */

export type HostClass = "all-interfaces" | "loopback" | "private" | "public" | "unix" | "name" | "unknown";

/** Where a host (IP literal, name or unix socket path) sits, as far as can be told without DNS. */
export function classifyHost(rawHost: string): HostClass {
  const host = rawHost
    .trim()
    .replace(/^\[(.*)\]$/, "$1")
    .toLowerCase();
  if (host.startsWith("unix:") || host.startsWith("unix/") || host.startsWith("/")) return "unix";
  if (host === "" || host === "*" || host === "0.0.0.0" || host === "::" || host === "0:0:0:0:0:0:0:0") {
    return "all-interfaces";
  }
  if (host === "localhost" || host.endsWith(".localhost")) return "loopback";
  if (host.includes("{") || host.includes("$") || host.includes("%")) return "unknown";
  const v4 = parseIpv4(host);
  if (v4) return classifyIpv4(v4);
  if (host.includes(":")) return classifyIpv6(host);
  return /^[a-z0-9_.-]+$/.test(host) ? "name" : "unknown";
}

/** Name that only resolves inside a private network: a single label (a container name) or an internal suffix. */
export function isInternalName(host: string): boolean {
  const name = host.toLowerCase();
  if (classifyHost(name) !== "name") return false;
  return !name.includes(".") || /\.(local|internal|lan|home|corp|intranet|localdomain)$/.test(name);
}

function parseIpv4(text: string): [number, number, number, number] | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const octets = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : NaN));
  if (octets.some((o) => !(o >= 0 && o <= 255))) return undefined;
  return octets as [number, number, number, number];
}

function classifyIpv4([a, b]: [number, number, number, number]): HostClass {
  if (a === 127) return "loopback";
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return "private";
  if (a === 100 && b >= 64 && b <= 127) return "private"; // carrier-grade NAT, also used by tailnets
  if (a === 169 && b === 254) return "private";
  return "public";
}

function classifyIpv6(host: string): HostClass {
  if (!/^[0-9a-f:.]+$/.test(host)) return "unknown";
  if (host === "::1") return "loopback";
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
  const mappedV4 = mapped?.[1] ? parseIpv4(mapped[1]) : undefined;
  if (mappedV4) return classifyIpv4(mappedV4);
  if (/^f[cd][0-9a-f]{0,2}:/.test(host) || /^fe[89ab][0-9a-f]?:/.test(host)) return "private";
  return "public";
}

/**
 * The entry of a gunicorn forwarded_allow_ips or uvicorn --forwarded-allow-ips list that trusts every
 * peer: "*", or a network of prefix length 0 (0.0.0.0/0 every IPv4 peer, ::/0 every IPv6 one), which
 * both servers accept as networks and match the peer's address against.
 */
export function everyPeerEntry(list: readonly string[]): string | undefined {
  return list.find((entry) => {
    const text = entry.trim();
    return text === "*" || /^[0-9a-f:.]+\/0+$/i.test(text);
  });
}

/**
 * Whether a list of trusted peers (gunicorn forwarded_allow_ips, uvicorn --forwarded-allow-ips, waitress
 * trusted_proxy) surely leaves out the proxy that dials `upstream`. Dialling a loopback address, the proxy
 * connects from loopback; dialling another host (a container name, another machine, even the machine's own
 * LAN address), from an address of its own that is never loopback. False when it cannot be told: a unix
 * socket, a variable, 0.0.0.0, or an entry that is neither an address nor a network of addresses.
 */
export function peerSurelyUntrusted(upstream: string, peers: readonly string[]): boolean {
  if (everyPeerEntry(peers)) return false;
  const dialled = classifyHost(hostOfAddress(upstream));
  if (!["loopback", "private", "public", "name"].includes(dialled)) return false;
  const entries = peers.map((entry) => classifyHost(entry.replace(/\/\d+$/, "")));
  if (!entries.every((entry) => ["loopback", "private", "public"].includes(entry))) return false;
  return dialled === "loopback"
    ? !entries.includes("loopback")
    : entries.every((entry) => entry === "loopback");
}

export type TrustBreadth = "everyone" | "private-networks" | "narrow";

/**
 * How far a list entry of trusted peers reaches: a CIDR, an address, or a keyword such as Caddy's
 * private_ranges. Prefixes shorter than /8 (IPv4) or /16 (IPv6) are treated as trusting everyone.
 */
export function trustBreadth(entry: string): TrustBreadth {
  const text = entry.trim().toLowerCase();
  if (text === "*" || text === "private_ranges") return text === "*" ? "everyone" : "private-networks";
  const [address = "", prefixText] = text.split("/", 2);
  const prefix = prefixText === undefined ? undefined : Number(prefixText);
  const isV6 = address.includes(":");
  if (prefix !== undefined && Number.isInteger(prefix) && prefix < (isV6 ? 16 : 8)) return "everyone";
  const kind = classifyHost(address);
  if (kind === "private" && prefix !== undefined && prefix <= (isV6 ? 8 : 16)) return "private-networks";
  return "narrow";
}

/** Host part of "host:port", "[v6]:port", "scheme://host:port/path" or a bare host. */
export function hostOfAddress(address: string): string {
  // `${PORT:-8000}` holds colons of its own: the variable stands as one word while host and port are split.
  let rest = address
    .trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, "")
    .replace(/\$\{[^}]*\}/g, "$VAR");
  if (/^unix[:/]/i.test(rest) || rest.startsWith("/")) return rest;
  rest = rest.replace(/\/.*$/, "");
  const bracketed = /^\[([^\]]*)\]/.exec(rest);
  if (bracketed) return bracketed[1] ?? "";
  const colons = rest.split(":").length - 1;
  if (colons === 1) return rest.slice(0, rest.indexOf(":"));
  return rest;
}

/**
 * What a connection to an address reaches, comparable between a proxy's upstream and an app server's
 * bind: "unix:PATH" for a socket, ":PORT" for TCP. Hosts are left out: `0.0.0.0:8000` in a container
 * is `web:8000` to the proxy beside it. Undefined when the address names no port (a bare name, a variable).
 */
export function endpointKey(address: string): string | undefined {
  const rest = withoutScheme(address);
  const socket = socketPathOf(rest) ?? (rest.startsWith("/") ? rest : undefined);
  if (socket !== undefined) return `unix:${socket}`;
  const port = /:(\d{1,5})(?:\/.*)?$/.exec(rest)?.[1];
  return port === undefined ? undefined : `:${Number(port)}`;
}

/** An address without its scheme (http://, uwsgi://); `unix:` stays, since it names a socket, not a scheme. */
export function withoutScheme(address: string): string {
  return address.trim().replace(/^(?!unix:)[a-z][a-z0-9+.-]*:\/\//i, "");
}

/** The path of `unix:/path` or `unix:///path` (the form uWSGI's docs use), up to a `:`; undefined for any other address. */
export function socketPathOf(address: string): string | undefined {
  return /^unix:(?:\/\/)?(\/[^:]*)/i.exec(address)?.[1];
}
