/**
 * The curl command that sends the same request as a probe, so anyone can see a verdict's
 * evidence with their own eyes. Where curl cannot write what the probe wrote, the replay says
 * why instead of offering a command that would send something else.
 */
import { isIP } from "node:net";
import type { Replay } from "../report/model.js";
import { shellQuote } from "../report/shell.js";
import { connectAddress, type ConnectMapping } from "../transport/mapping.js";
import type { WireRequest } from "../transport/send.js";
import { PROBE_TOKEN_HEADER } from "./probe-answer.js";

/** The environment variable the replay reads the probe token from: it is never printed. */
const TOKEN_VARIABLE = "PROXYTRUST_PROBE_TOKEN";

export interface ReplaySettings {
  mappings: readonly ConnectMapping[];
  /** The --cacert file the scan trusted, by path. */
  caFile?: string;
  insecure: boolean;
  /** The probe presented a client certificate (held in memory, so curl cannot be pointed at it). */
  clientCertificate?: boolean;
}

function bracketed(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

/** curl's -H: an empty value is written `Name;` (`Name:` would remove the header instead). */
function headerArgument(name: string, value: string): string {
  if (name.toLowerCase() === PROBE_TOKEN_HEADER.toLowerCase()) return `-H "${name}: $${TOKEN_VARIABLE}"`;
  return `-H ${shellQuote(value === "" ? `${name};` : `${name}: ${value}`)}`;
}

/** Why curl would send something other than this request, or undefined when it can send it exactly. */
function whyNotReplayable(request: WireRequest, settings: ReplaySettings): string | undefined {
  if (request.preface) return "it opens the connection with a PROXY protocol header curl cannot forge";
  if (settings.clientCertificate)
    return "it presents a client certificate held in memory (curl needs --cert and --key files)";
  const hosts = request.headers.filter(([name]) => name.toLowerCase() === "host");
  if (hosts.length !== 1) return "curl sends exactly one Host header";
  const breaks = request.headers.some(([name, value]) => /[\r\n\0]/.test(name + value));
  if (breaks) return "a header contains a line break or NUL, which curl does not send";
  return undefined;
}

function methodArguments(method: WireRequest["method"], body: string | undefined): string[] {
  if (method === "HEAD") return ["--head"];
  if (body !== undefined) return method === "POST" ? [] : ["-X", method];
  return method === "GET" ? [] : ["-X", method];
}

/** The URL curl is given: curl takes the TLS server name from it, so a name apart from the URL's goes there. */
function curlUrl(url: URL, servername: string | undefined): URL {
  const named = new URL(url.href);
  if (servername && servername !== named.hostname) named.hostname = servername;
  return named;
}

/** The --connect-to value that makes curl, given curlUrl(), connect where the transport did; undefined when none is needed. */
export function connectTo(
  url: URL,
  mappings: readonly ConnectMapping[],
  servername?: string,
): string | undefined {
  const port = url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
  const address = connectAddress(url.hostname, port, mappings);
  const urlHost = curlUrl(url, servername).hostname.replace(/^\[|\]$/g, "");
  if (address.host === urlHost && address.port === port) return undefined;
  return `${bracketed(urlHost)}:${port}:${bracketed(address.host)}:${address.port}`;
}

/** The replay of one request as it went on the wire (headers in order, body, connection and TLS settings). */
export function curlReplay(request: WireRequest, settings: ReplaySettings): Replay {
  const reason = whyNotReplayable(request, settings);
  if (reason) return { cannotReplay: `curl cannot replay this probe exactly: ${reason}` };
  const isTls = request.url.protocol === "https:";
  const url = curlUrl(request.url, request.servername);
  const mapping = connectTo(request.url, settings.mappings, request.servername);
  const connectToArgs = mapping ? ["--connect-to", shellQuote(mapping)] : [];
  const path = `${url.pathname}${url.search}`;
  const args = [
    "curl",
    "-sS",
    "-i",
    "--http1.1",
    "--noproxy",
    shellQuote("*"),
    ...methodArguments(request.method, request.body),
    ...connectToArgs,
    ...(isTls && settings.caFile ? ["--cacert", shellQuote(settings.caFile)] : []),
    ...(isTls && settings.insecure ? ["-k"] : []),
    ...(/(^|\/)\.\.?(\/|$)/.test(url.pathname) ? ["--path-as-is"] : []),
    ...(request.requestTarget ? ["--request-target", shellQuote(request.requestTarget)] : []),
    ...request.headers.map(([name, value]) => headerArgument(name, value)),
    ...(request.body !== undefined ? ["--data-raw", shellQuote(request.body)] : []),
    shellQuote(`${url.origin}${path}`),
  ];
  return { curl: args.join(" ") };
}
