/**
 * uvicorn (0.17): --proxy-headers is on by default; for peers in --forwarded-allow-ips (default
 * $FORWARDED_ALLOW_IPS, else 127.0.0.1) X-Forwarded-Proto becomes the scope's scheme and
 * X-Forwarded-For the client (the first entry with '*' or 0.0.0.0/0, else the nearest untrusted one). Unix-socket
 * peers have no address, so only '*' trusts them. Click also reads every option from $UVICORN_<NAME>.
 */
import type { Located } from "../caddy/config-source.js";
import { everyPeerEntry } from "../gunicorn/addresses.js";
import {
  lastOption,
  readOptions,
  splitCommaList,
  truthy,
  type AppServerConfig,
  type Setting,
} from "./model.js";

const SPEC = {
  host: "value",
  port: "value",
  uds: "value",
  fd: "value",
  "proxy-headers": "flag",
  "forwarded-allow-ips": "value",
} as const;

export function uvicornFromArgs(
  args: string[],
  env: Record<string, string>,
  where: Located,
): AppServerConfig {
  const errors: AppServerConfig["errors"] = [];
  const options = readOptions(args, SPEC, {}, where, errors);
  const fromEnv = (name: keyof typeof SPEC): Setting<string> | undefined => {
    const variable = `UVICORN_${name.toUpperCase().replace(/-/g, "_")}`;
    return env[variable] === undefined
      ? undefined
      : { ...where, value: env[variable], option: `$${variable}` };
  };
  const option = (name: keyof typeof SPEC) => lastOption(options, name, where) ?? fromEnv(name);
  const uds = option("uds");
  const fd = option("fd");
  const host = option("host")?.value ?? "127.0.0.1";
  const port = option("port")?.value ?? "8000";
  const binds: Setting<string[]> = uds
    ? { ...uds, value: [`unix:${uds.value}`] }
    : fd
      ? { ...fd, value: [`fd://${fd.value}`] }
      : {
          ...where,
          value: [host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`],
          option: option("host")?.option ?? "default",
        };
  const proxyHeadersOption = options.findLast((o) => o.name === "proxy-headers");
  const proxyHeadersEnv = fromEnv("proxy-headers");
  const proxyHeaders = proxyHeadersOption
    ? !proxyHeadersOption.negated
    : proxyHeadersEnv
      ? truthy(proxyHeadersEnv.value)
      : true;
  const allowed: Setting<string> =
    option("forwarded-allow-ips") ??
    (env.FORWARDED_ALLOW_IPS !== undefined
      ? { ...where, value: env.FORWARDED_ALLOW_IPS, option: "$FORWARDED_ALLOW_IPS" }
      : { ...where, value: "127.0.0.1", option: "default" });
  const peers = splitCommaList(allowed.value);
  const trustedPeers: Setting<string[]> = proxyHeaders
    ? { ...allowed, value: peers }
    : { ...where, value: [], option: proxyHeadersOption ? "--no-proxy-headers" : "$UVICORN_PROXY_HEADERS" };
  return {
    server: "uvicorn",
    file: where.file,
    at: where,
    binds,
    protocol: "http",
    trustedPeers,
    schemeHeaders: proxyHeaders ? [{ name: "X-Forwarded-Proto", secureValue: "https" }] : [],
    ...(proxyHeaders
      ? {
          clientAddress: {
            header: "X-Forwarded-For",
            pick: everyPeerEntry(peers) !== undefined ? "first" : "nearest-untrusted",
          },
        }
      : {}),
    errors,
  };
}
