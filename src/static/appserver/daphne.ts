/**
 * daphne (4.0): nothing is trusted unless --proxy-headers; then every peer, whoever it is, sets the
 * client from the first X-Forwarded-For entry (header renamed by --proxy-headers-host) and, only when
 * that header is present, the scheme from X-Forwarded-Proto.
 */
import type { Located } from "../caddy/config-source.js";
import { lastOption, readOptions, type AppServerConfig, type Setting } from "./model.js";

const SPEC = {
  bind: "value",
  port: "value",
  "unix-socket": "value",
  fd: "value",
  endpoint: "value",
  "proxy-headers": "flag",
  "proxy-headers-host": "value",
} as const;
const ALIASES = { "-b": "bind", "-p": "port", "-u": "unix-socket", "-e": "endpoint" };

export function daphneFromArgs(args: string[], where: Located): AppServerConfig {
  const errors: AppServerConfig["errors"] = [];
  const options = readOptions(args, SPEC, ALIASES, where, errors);
  const bind = lastOption(options, "bind", where);
  const port = lastOption(options, "port", where)?.value ?? "8000";
  const socket = lastOption(options, "unix-socket", where);
  const endpoints = options.filter((o) => o.name === "endpoint").map((o) => o.value);
  const fd = lastOption(options, "fd", where);
  const listed = [
    ...(bind || (!socket && !fd && endpoints.length === 0) ? [`${bind?.value ?? "127.0.0.1"}:${port}`] : []),
    ...(socket ? [`unix:${socket.value}`] : []),
    ...(fd ? [`fd://${fd.value}`] : []),
    ...endpoints.map(endpointAddress),
  ];
  const binds: Setting<string[]> = {
    ...where,
    value: listed,
    option: bind || socket || fd || endpoints.length ? "--bind" : "default",
  };
  const proxyHeaders = options.some((o) => o.name === "proxy-headers");
  const addressHeader = lastOption(options, "proxy-headers-host", where)?.value ?? "X-Forwarded-For";
  return {
    server: "daphne",
    file: where.file,
    at: where,
    binds,
    protocol: "http",
    trustedPeers: {
      ...where,
      value: proxyHeaders ? ["*"] : [],
      option: proxyHeaders ? "--proxy-headers" : "default",
    },
    schemeHeaders: proxyHeaders ? [{ name: "X-Forwarded-Proto", secureValue: "https" }] : [],
    ...(proxyHeaders
      ? { clientAddress: { header: addressHeader, pick: "first" as const }, schemeNeedsHeader: addressHeader }
      : {}),
    errors,
  };
}

/** A Twisted endpoint such as tcp:port=8000:interface=0.0.0.0 or unix:/run/daphne.sock. */
function endpointAddress(endpoint: string): string {
  if (endpoint.startsWith("unix:")) return `unix:${endpoint.slice(5).split(":")[0]}`;
  const port = /port=(\d+)/.exec(endpoint)?.[1] ?? /^(?:tcp6?|ssl):(\d+)/.exec(endpoint)?.[1] ?? "?";
  const iface = /interface=([^:]+)/.exec(endpoint)?.[1] ?? "0.0.0.0";
  return `${iface}:${port}`;
}
