/**
 * curl's --resolve and --connect-to, so users can point a scan at a staging box or a
 * loopback stack while Host and SNI stay those of the real site.
 */
import { quoted } from "../report/quote.js";

export interface ConnectMapping {
  /** Empty string matches any host / any port, as in curl. */
  fromHost: string;
  fromPort: string;
  toHost: string;
  toPort: string;
}

export class MappingSyntaxError extends Error {}

/** Splits on ':' but keeps [IPv6] literals whole. */
function splitFields(spec: string): string[] {
  const fields: string[] = [];
  let current = "";
  let inBrackets = false;
  for (const ch of spec) {
    if (ch === "[") inBrackets = true;
    if (ch === "]") inBrackets = false;
    if (ch === ":" && !inBrackets) {
      fields.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  fields.push(current);
  return fields;
}

function unbracket(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

function checkPort(port: string, spec: string, flag: string): void {
  if (port !== "" && !/^\d{1,5}$/.test(port)) {
    throw new MappingSyntaxError(`${flag} ${quoted(spec)}: ${quoted(port)} is not a port number`);
  }
}

/** --resolve HOST:PORT:ADDR — ADDR may be a bracketed IPv6 literal. */
export function parseResolve(spec: string): ConnectMapping {
  const fields = splitFields(spec);
  if (fields.length !== 3 || !fields[0] || !fields[1] || !fields[2]) {
    throw new MappingSyntaxError(`--resolve ${quoted(spec)}: expected HOST:PORT:ADDRESS`);
  }
  const [host, port, address] = fields as [string, string, string];
  checkPort(port, spec, "--resolve");
  return { fromHost: host.toLowerCase(), fromPort: port, toHost: unbracket(address), toPort: port };
}

/** --connect-to HOST1:PORT1:HOST2:PORT2 — any field may be empty. */
export function parseConnectTo(spec: string): ConnectMapping {
  const fields = splitFields(spec);
  if (fields.length !== 4) {
    throw new MappingSyntaxError(`--connect-to ${quoted(spec)}: expected HOST1:PORT1:HOST2:PORT2`);
  }
  const [fromHost, fromPort, toHost, toPort] = fields as [string, string, string, string];
  checkPort(fromPort, spec, "--connect-to");
  checkPort(toPort, spec, "--connect-to");
  return { fromHost: unbracket(fromHost).toLowerCase(), fromPort, toHost: unbracket(toHost), toPort };
}

export interface ConnectAddress {
  host: string;
  port: number;
}

/** Where to open the TCP connection for a URL host and port; the first matching mapping wins, like curl. */
export function connectAddress(
  host: string,
  port: number,
  mappings: readonly ConnectMapping[],
): ConnectAddress {
  const wantedHost = unbracket(host).toLowerCase();
  for (const m of mappings) {
    const hostMatches = m.fromHost === "" || m.fromHost === wantedHost;
    const portMatches = m.fromPort === "" || Number(m.fromPort) === port;
    if (hostMatches && portMatches) {
      return { host: m.toHost || wantedHost, port: m.toPort ? Number(m.toPort) : port };
    }
  }
  return { host: wantedHost, port };
}
