/** The scan options about the links between proxy and app: PROXY protocol, mutual TLS, origins. */
import { isIP } from "node:net";
import type { Command } from "./commander.js";
import { ORIGIN_CANDIDATE_PORTS } from "../scan/collect.js";
import type { ScanOptions } from "../scan/options.js";
import { UsageError } from "./usage-error.js";
import { quoted } from "../report/quote.js";
import { describeFileError } from "../file-error.js";
import { readTextFile } from "../read-file.js";
import { keyMatches, parseCertificates, parsePrivateKey, PemError } from "../transport/pem.js";

export interface LinkFlags {
  proxyProtocolPort?: string;
  clientCert?: string;
  clientKey?: string;
  origin: string | string[];
  originCandidates?: string;
}

/** `[http:|https:]PORT`: without a scheme, the listener speaks the target's. */
function parseProxyProtocolPort(raw: string, target: URL): ScanOptions["proxyProtocolListener"] {
  const match = /^(?:(https?):)?(\d{1,5})$/.exec(raw);
  const port = Number(match?.[2]);
  if (!match || port < 1 || port > 65535)
    throw new UsageError(
      `--proxy-protocol-port ${quoted(raw)}: expected a port, optionally as http:PORT or https:PORT`,
    );
  const scheme = (match[1] ?? target.protocol.slice(0, -1)) as "http" | "https";
  return { scheme, port };
}

/** Certificates and keys are a few kilobytes; a bundle of every public CA is under a megabyte. */
const MAX_PEM_BYTES = 1024 * 1024;

/** The PEM text of FILE once `check` (parseCertificates, parsePrivateKey) has found what the option needs in it. */
export function readPem(flag: string, file: string, check: (pem: string) => unknown): string {
  let pem: string;
  try {
    pem = readTextFile(file, MAX_PEM_BYTES, { streams: true });
  } catch (err) {
    throw new UsageError(`${flag} ${file}: ${describeFileError(err)}`);
  }
  try {
    check(pem);
  } catch (err) {
    if (err instanceof PemError) throw new UsageError(`${flag} ${file}: ${err.message}`);
    throw err;
  }
  return pem;
}

/** A host name or address alone: the candidate ports are ours to try. */
function parseOriginCandidates(raw: string): string {
  const bare = raw.replace(/^\[(.*)\]$/, "$1");
  if (isIP(bare)) return bare;
  if (!/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(raw))
    throw new UsageError(
      `--origin-candidates ${quoted(raw)}: expected a host name or address, without scheme or port`,
    );
  return raw;
}

/** --client-cert and --client-key go together, and with an https --origin to present them to. */
function parseClientCertificate(flags: LinkFlags): ScanOptions["clientCertificate"] {
  const { clientCert, clientKey } = flags;
  if (clientCert === undefined && clientKey === undefined) return undefined;
  if (clientCert === undefined || clientKey === undefined)
    throw new UsageError("--client-cert and --client-key go together");
  if (![flags.origin].flat().some((origin) => origin.startsWith("https://")))
    throw new UsageError("--client-cert needs an https:// --origin to present it to");
  const cert = readPem("--client-cert", clientCert, parseCertificates);
  const key = readPem("--client-key", clientKey, parsePrivateKey);
  if (!keyMatches(cert, key))
    throw new UsageError(`--client-key ${clientKey}: not the key of --client-cert ${clientCert}`);
  return { cert, key };
}

export function addLinkOptions(command: Command): Command {
  return command
    .option(
      "--proxy-protocol-port <[scheme:]port>",
      "a listener on the target's host that expects PROXY protocol headers (default scheme: the target's)",
    )
    .option(
      "--client-cert <file>",
      "the proxy's client certificate (PEM), to check the https --origin demands it",
    )
    .option("--client-key <file>", "the key of --client-cert (PEM)")
    .option(
      "--origin-candidates <host>",
      `try the app server's usual ports on HOST (${ORIGIN_CANDIDATE_PORTS.join(", ")}), for origin-exposure`,
    );
}

export function linkOptionsFrom(flags: LinkFlags, target: URL): Partial<ScanOptions> {
  return {
    ...(flags.proxyProtocolPort
      ? { proxyProtocolListener: parseProxyProtocolPort(flags.proxyProtocolPort, target) }
      : {}),
    clientCertificate: parseClientCertificate(flags),
    ...(flags.originCandidates
      ? { originCandidatesHost: parseOriginCandidates(flags.originCandidates) }
      : {}),
  };
}
