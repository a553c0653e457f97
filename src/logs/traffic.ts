/**
 * What a request log says about the proxy in front, inferred from the traffic itself: a proxy sets
 * its own forwarding headers on every request it passes from a given address, so a header that
 * comes and goes, or carries more entries than the proxy's own share, was sent by a client.
 */
import type { ClauseId } from "../clauses.js";
import type { Exchange } from "../report/model.js";
import type { LogRecord } from "./records.js";

type Family = Extract<ClauseId, "spoofed-proto" | "forwarded-host" | "client-ip">;

/**
 * The forwarding headers judged, by WSGI key, with the clause each one's promise belongs to: those
 * Django, gunicorn, uvicorn or common client-address libraries act on. Scheme cousins that none of
 * them reads by default (X-Url-Scheme, Front-End-Https, CF-Visitor) are only named.
 */
const FAMILIES: Record<string, Family> = {
  HTTP_X_FORWARDED_PROTO: "spoofed-proto",
  HTTP_X_FORWARDED_PROTOCOL: "spoofed-proto",
  HTTP_X_FORWARDED_SSL: "spoofed-proto",
  HTTP_X_FORWARDED_SCHEME: "spoofed-proto",
  HTTP_X_SCHEME: "spoofed-proto",
  HTTP_X_FORWARDED_HOST: "forwarded-host",
  HTTP_X_FORWARDED_PORT: "forwarded-host",
  HTTP_X_FORWARDED_SERVER: "forwarded-host",
  HTTP_X_FORWARDED_FOR: "client-ip",
  HTTP_X_REAL_IP: "client-ip",
  HTTP_CF_CONNECTING_IP: "client-ip",
  HTTP_TRUE_CLIENT_IP: "client-ip",
  HTTP_X_CLIENT_IP: "client-ip",
};

/** Client-sent scheme cousins that Django and the usual app servers ignore unless configured to read them. */
const UNREAD_SCHEME_HEADERS = new Set(["HTTP_X_URL_SCHEME", "HTTP_FRONT_END_HTTPS", "HTTP_CF_VISITOR"]);

/** Headers that carry one value from each hop: a proxy appends its own entry. */
const LIST_HEADERS = new Set(["HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED"]);

function familyOf(key: string, value: string): Family | undefined {
  if (key === "HTTP_FORWARDED")
    return /\bproto=/i.test(value)
      ? "spoofed-proto"
      : /\bhost=/i.test(value)
        ? "forwarded-host"
        : "client-ip";
  return FAMILIES[key];
}

/** HTTP_X_FORWARDED_PROTO -> X-Forwarded-Proto (WSGI cannot tell it from X_Forwarded_Proto). */
export function headerName(key: string): string {
  return key
    .replace(/^HTTP_/, "")
    .split("_")
    .map((word) => word.charAt(0) + word.slice(1).toLowerCase())
    .join("-");
}

function entries(value: string): number {
  return value.split(",").filter((part) => part.trim() !== "").length;
}

/** The address the request reached Django from: the proxy, usually (a unix socket gives none). */
function peerOf(record: LogRecord): string {
  return record.remoteAddr ?? "(unix socket)";
}

export interface ClientHeader {
  record: LogRecord;
  key: string;
  /** Undefined for a header Django and the usual app servers do not read. */
  family?: Family;
  /** How it shows it came from a client. */
  sign: "sometimes-absent" | "extra-entries";
}

export interface Traffic {
  records: LogRecord[];
  peers: Map<string, LogRecord[]>;
  clientHeaders: ClientHeader[];
  /** The scheme the proxy said each request arrived on, where it says so on every request. */
  listenerScheme: Map<LogRecord, "http" | "https">;
}

function schemeNamed(key: string, value: string): "http" | "https" | undefined {
  const first = value.split(",")[0]!.trim().toLowerCase();
  if (key === "HTTP_X_FORWARDED_PROTO" && (first === "http" || first === "https")) return first;
  if (key === "HTTP_X_FORWARDED_SSL") return first === "on" ? "https" : first === "off" ? "http" : undefined;
  return undefined;
}

export function analyseTraffic(records: LogRecord[]): Traffic {
  const peers = new Map<string, LogRecord[]>();
  for (const record of records) {
    const fromPeer = peers.get(peerOf(record));
    if (fromPeer) fromPeer.push(record);
    else peers.set(peerOf(record), [record]);
  }
  const clientHeaders: ClientHeader[] = [];
  const listenerScheme = new Map<LogRecord, "http" | "https">();
  for (const fromPeer of peers.values()) {
    const keys = new Set(fromPeer.flatMap((r) => Object.keys(r.headers)));
    for (const key of keys) {
      const carrying = fromPeer.filter((r) => r.headers[key] !== undefined);
      const always = carrying.length === fromPeer.length;
      // A loop, not Math.min(...): a log of many requests would overflow the call stack.
      let fewest = Infinity;
      for (const r of carrying) fewest = Math.min(fewest, entries(r.headers[key]!));
      for (const record of carrying) {
        const value = record.headers[key]!;
        const family = familyOf(key, value);
        if (!family && !UNREAD_SCHEME_HEADERS.has(key)) continue;
        if (!always) clientHeaders.push({ record, key, family, sign: "sometimes-absent" });
        else if (entries(value) > (LIST_HEADERS.has(key) ? fewest : 1))
          clientHeaders.push({ record, key, family, sign: "extra-entries" });
      }
      // The proxy's own word on the scheme: a header it sends on every request, one value each.
      if (always && fewest === 1 && carrying.every((r) => entries(r.headers[key]!) === 1)) {
        for (const record of carrying) {
          const scheme = schemeNamed(key, record.headers[key]!);
          if (scheme && !listenerScheme.has(record)) listenerScheme.set(record, scheme);
        }
      }
    }
  }
  return { records, peers, clientHeaders, listenerScheme };
}

/** "/admin/login/" -> "/admin/", "/healthz" -> "/healthz": the part of the site a request went to. */
function pathPrefix(path: string): string {
  const match = /^\/[^/]*\/?/.exec(path);
  return match ? match[0] : path;
}

/** A logged request as report evidence: what Django received and what it believed. */
export function recordExchange(record: LogRecord, label: string): Exchange {
  const host = record.host ?? `(refused: ${record.hostError ?? "unknown"})`;
  return {
    label: `line ${record.line}: ${label}`,
    request: {
      method: record.method,
      url: record.path,
      headers: Object.entries(record.headers).map(([key, value]): [string, string] => [
        headerName(key),
        value,
      ]),
    },
    belief: `scheme=${record.scheme ?? "?"} is_secure=${record.isSecure ?? "?"} host=${host} REMOTE_ADDR=${record.remoteAddr ?? "(none)"}`,
  };
}

/** Counts per path prefix, most first, e.g. "/admin/: 12, /: 3". */
export function countsByPrefix(records: LogRecord[]): string {
  const counts = new Map<string, number>();
  for (const r of records) counts.set(pathPrefix(r.path), (counts.get(pathPrefix(r.path)) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([prefix, n]) => `${prefix}: ${n}`)
    .join(", ");
}

/** One example per path prefix, at most `limit`. */
export function examplesByPrefix(records: LogRecord[], limit = 3): LogRecord[] {
  const seen = new Set<string>();
  return records.filter((r) => !seen.has(pathPrefix(r.path)) && seen.add(pathPrefix(r.path))).slice(0, limit);
}
