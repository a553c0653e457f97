/**
 * waitress (2.1): only the one peer named by trusted_proxy ('*' for all) may rewrite anything, and only
 * with trusted_proxy_headers (default x-forwarded-proto once trusted_proxy is set); X-Forwarded-For
 * gives the entry trusted_proxy_count places from the right. Headers it does not trust stay in the
 * environ for Django unless clear_untrusted_proxy_headers (default False, with a deprecation warning).
 * Default listen: 0.0.0.0:8080. The same settings come from waitress-serve options, a paste ini's
 * [server:main] or serve() keyword arguments.
 */
import type { Located } from "../caddy/config-source.js";
import { readOptions, truthy, type AppServerConfig, type OptionSpec, type Setting } from "./model.js";

/** One setting as written: name with underscores, its value, where. */
export interface WaitressEntry extends Located {
  key: string;
  value: string;
  /** How it was spelled, for messages: "--trusted-proxy", "trusted_proxy". */
  option: string;
}

const KEYS = [
  "listen",
  "host",
  "port",
  "unix_socket",
  "trusted_proxy",
  "trusted_proxy_count",
  "trusted_proxy_headers",
  "url_scheme",
];
const SPEC: OptionSpec = {
  ...Object.fromEntries(KEYS.map((key) => [key.replace(/_/g, "-"), "value" as const])),
  "clear-untrusted-proxy-headers": "flag",
};

export function waitressFromArgs(args: string[], where: Located): AppServerConfig {
  const errors: AppServerConfig["errors"] = [];
  const entries = readOptions(args, SPEC, {}, where, errors).map((o) => ({
    ...where,
    key: o.name.replace(/-/g, "_"),
    value: o.negated ? "false" : o.value,
    option: `--${o.negated ? "no-" : ""}${o.name}`,
  }));
  return { ...waitressFromEntries(entries, where), errors };
}

export function waitressFromEntries(entries: WaitressEntry[], at: Located): AppServerConfig {
  const last = (key: string): Setting<string> | undefined => {
    const entry = entries.findLast((e) => e.key === key);
    return entry
      ? { file: entry.file, line: entry.line, value: entry.value, option: entry.option }
      : undefined;
  };
  const listens = entries.filter((e) => e.key === "listen");
  const host = last("host");
  const port = last("port");
  const socket = last("unix_socket");
  const binds: Setting<string[]> =
    listens.length > 0
      ? {
          ...(listens[0] as WaitressEntry),
          value: listens
            .flatMap((e) => e.value.split(/\s+/).filter(Boolean))
            .map((l) => l.replace(/^\*:/, "0.0.0.0:")),
        }
      : socket
        ? { ...socket, value: [`unix:${socket.value}`] }
        : {
            ...(host ?? port ?? { ...at, option: "default" }),
            value: [`${host?.value ?? "0.0.0.0"}:${port?.value ?? "8080"}`],
          };
  const proxy = last("trusted_proxy");
  const trusted = proxy && proxy.value.trim() !== "" ? proxy : undefined;
  const headersSetting = last("trusted_proxy_headers");
  const headers = trusted
    ? new Set(
        (headersSetting?.value ?? "x-forwarded-proto")
          .toLowerCase()
          .split(/[\s,]+/)
          .filter(Boolean),
      )
    : new Set<string>();
  const count = Number(last("trusted_proxy_count")?.value ?? "1");
  const clear = last("clear_untrusted_proxy_headers");
  const scheme = last("url_scheme");
  return {
    server: "waitress",
    file: at.file,
    at,
    binds,
    protocol: "http",
    trustedPeers: trusted
      ? { ...trusted, value: [trusted.value.trim()] }
      : { ...at, value: [], option: "default" },
    schemeHeaders: [
      ...(headers.has("x-forwarded-proto") ? [{ name: "X-Forwarded-Proto", secureValue: "https" }] : []),
      ...(headers.has("forwarded") ? [{ name: "Forwarded", secureValue: "proto=https" }] : []),
    ],
    ...(headers.has("x-forwarded-for")
      ? {
          clientAddress: {
            header: "X-Forwarded-For",
            pick: { fromRight: Number.isInteger(count) && count > 0 ? count : 1 },
          },
        }
      : {}),
    clearsUntrusted: clear
      ? { ...clear, value: truthy(clear.value) }
      : { ...at, value: false, option: "default" },
    ...(scheme && scheme.value !== "http" ? { fixedScheme: scheme } : {}),
    errors: [],
  };
}
