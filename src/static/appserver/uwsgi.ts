/**
 * uWSGI (2.0): options from uwsgi.ini's [uwsgi] section, the command line or $UWSGI_<NAME>. Its core
 * sets the request scheme from HTTP_X_FORWARDED_PROTO whoever sends it (core/protocol.c), ahead of the
 * HTTPS variable: on any socket, a client's X-Forwarded-Proto that reaches it decides wsgi.url_scheme.
 * On a `socket` / `uwsgi-socket` it speaks the uwsgi protocol: the peer (nginx uwsgi_pass) sends the
 * CGI variables itself (HTTPS, REMOTE_ADDR, the HTTP_* headers), so any peer that reaches the socket
 * chooses them. On `http` / `http-socket` it parses HTTP itself.
 */
import { readConfigSource, type Located } from "../caddy/config-source.js";
import { readOptions, type AppServerConfig, type OptionSpec } from "./model.js";

export interface UwsgiEntry extends Located {
  key: string;
  value: string;
}

const UWSGI_PROTOCOL = ["socket", "uwsgi-socket"];
const HTTP_PROTOCOL = ["http", "http-socket", "https", "https-socket"];
const SPEC: OptionSpec = Object.fromEntries(
  [...UWSGI_PROTOCOL, ...HTTP_PROTOCOL, "ini"].map((k) => [k, "value" as const]),
);

/** The [uwsgi] section of an ini file, keys with dashes; undefined when the file has none. */
export function uwsgiIniEntries(file: string, text: string): UwsgiEntry[] | undefined {
  const entries: UwsgiEntry[] = [];
  let section: string | undefined;
  let seen = false;
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      section = header[1]?.trim();
      seen ||= section === "uwsgi";
      return;
    }
    const pair = /^([A-Za-z0-9_-]+)\s*[=:]\s*(.*)$/.exec(line);
    if (section !== "uwsgi" || !pair?.[1] || line.startsWith("#") || line.startsWith(";")) return;
    entries.push({ file, line: index + 1, key: pair[1].replace(/_/g, "-"), value: (pair[2] ?? "").trim() });
  });
  return seen ? entries : undefined;
}

export function uwsgiFromArgs(
  args: string[],
  env: Record<string, string>,
  where: Located,
  baseDir = ".",
): AppServerConfig {
  const errors: AppServerConfig["errors"] = [];
  const fromEnv = Object.entries(env).flatMap(([name, value]) => {
    const key = /^UWSGI_([A-Z0-9_]+)$/.exec(name)?.[1]?.toLowerCase().replace(/_/g, "-");
    return key && SPEC[key] ? [{ ...where, key, value }] : [];
  });
  const options = readOptions(args, SPEC, { "-s": "socket" }, where, errors).map((o) => ({
    ...where,
    key: o.name,
    value: o.value,
  }));
  const entries = [...fromEnv, ...options];
  // A command line that only points at an ini file: read the file, relative to where the command runs.
  for (const ini of entries.filter((e) => e.key === "ini")) {
    const path = ini.value.startsWith("/") ? ini.value : `${baseDir}/${ini.value}`;
    const source = readConfigSource(path);
    if (source.ok) entries.push(...(uwsgiIniEntries(path, source.text) ?? []));
  }
  return { ...uwsgiFromEntries(entries, where), errors };
}

export function uwsgiFromEntries(entries: UwsgiEntry[], at: Located): AppServerConfig {
  const sockets = entries.filter((e) => UWSGI_PROTOCOL.includes(e.key));
  const http = entries.filter((e) => HTTP_PROTOCOL.includes(e.key));
  const listed = (sockets.length > 0 ? sockets : http).map((e) => bindOf(e.value));
  const first = sockets[0] ?? http[0];
  const uwsgiProtocol = sockets.length > 0;
  return {
    server: "uwsgi",
    file: at.file,
    at,
    binds: { ...(first ?? at), value: listed, option: first?.key ?? "default" },
    // Its HTTP router beside the uwsgi socket: reachable too, whatever the socket's protocol.
    ...(uwsgiProtocol && http.length > 0 ? { otherBinds: http.map((e) => bindOf(e.value)) } : {}),
    protocol: uwsgiProtocol ? "uwsgi" : "http",
    trustedPeers: { ...(first ?? at), value: ["*"], option: first?.key ?? "default" },
    schemeHeaders: [{ name: "X-Forwarded-Proto", secureValue: "https" }],
    errors: [],
  };
}

/** ":3031" (all interfaces), "127.0.0.1:3031", "/run/uwsgi.sock", "@abstract", "https" options' "addr,cert,key". */
function bindOf(value: string): string {
  const address = value.split(",")[0]?.trim() ?? "";
  if (address.startsWith("/") || address.startsWith("@")) return `unix:${address}`;
  return address.startsWith(":") ? `0.0.0.0${address}` : address;
}
