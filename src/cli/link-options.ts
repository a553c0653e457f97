/** The scan options about the links between proxy and app: PROXY protocol, mutual TLS, origins. */
import type { Command } from "commander";
import type { ScanOptions } from "../scan/options.js";
import { UsageError } from "./common.js";

export interface LinkFlags {
  proxyProtocolPort?: string;
}

/** `[http:|https:]PORT`: without a scheme, the listener speaks the target's. */
export function parseProxyProtocolPort(raw: string, target: URL): ScanOptions["proxyProtocolListener"] {
  const match = /^(?:(https?):)?(\d{1,5})$/.exec(raw);
  const port = Number(match?.[2]);
  if (!match || port < 1 || port > 65535)
    throw new UsageError(
      `--proxy-protocol-port '${raw}': expected a port, optionally as http:PORT or https:PORT`,
    );
  const scheme = (match[1] ?? target.protocol.slice(0, -1)) as "http" | "https";
  return { scheme, port };
}

export function addLinkOptions(command: Command): Command {
  return command.option(
    "--proxy-protocol-port <[scheme:]port>",
    "a listener on the target's host that expects PROXY protocol headers (default scheme: the target's)",
  );
}

export function linkOptionsFrom(flags: LinkFlags, target: URL): Partial<ScanOptions> {
  return {
    ...(flags.proxyProtocolPort
      ? { proxyProtocolListener: parseProxyProtocolPort(flags.proxyProtocolPort, target) }
      : {}),
  };
}
