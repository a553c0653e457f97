/** `proxytrust scan URL`: parses arguments into ScanOptions, runs the scan, prints, exits. */
import { resolve } from "node:path";
import { Command, Option } from "./commander.js";
import { PROXY_KINDS, type ProxyKind } from "../clauses.js";
import type { HeaderList } from "../report/model.js";
import { DEFAULT_SCAN_OPTIONS, type ScanOptions } from "../scan/options.js";
import { DEFAULT_PROBE_PATH } from "../scan/probe-answer.js";
import { runScan } from "../scan/run.js";
import { parseConnectTo, parseResolve } from "../transport/mapping.js";
import { addReportOptions, finishReport, parseSeconds, type OutputFlags } from "./common.js";
import { collect } from "./repeated-options.js";
import { UsageError } from "./usage-error.js";
import { onInterrupt } from "./interrupt.js";
import { addLinkOptions, linkOptionsFrom, readPem, type LinkFlags } from "./link-options.js";
import { addFleetOptions, checkSingleTarget, type FleetFlags } from "./fleet-options.js";
import { loadScanConfig } from "./scan-config.js";
import { quoted } from "../report/quote.js";
import { parseTarget } from "./target-url.js";
import { parseCertificates } from "../transport/pem.js";
import { HTTP_TOKEN, NOT_FIELD_TEXT } from "../http-syntax.js";

interface ScanFlags extends LinkFlags, OutputFlags, FleetFlags {
  resolve: string[];
  connectTo: string[];
  cacert?: string;
  insecure: boolean;
  timeout: number;
  maxTime: number;
  header: string[];
  cookiePath?: string;
  csrfPath?: string;
  csrfPost?: string;
  healthPath: string[];
  /** A list from the command line; one string from the config file. */
  origin: string | string[];
  proxy?: ProxyKind;
  probeToken?: string;
  probePath: string;
}

function parseHeader(raw: string): [string, string] {
  const colon = raw.indexOf(":");
  const name = colon > 0 ? raw.slice(0, colon).trim() : "";
  if (!HTTP_TOKEN.test(name)) throw new UsageError(`--header ${quoted(raw)}: expected 'Name: value'`);
  const value = raw.slice(colon + 1).trim();
  // Refused here, or every probe would fail as if the server had not answered.
  if (NOT_FIELD_TEXT.test(value))
    throw new UsageError(
      `--header ${quoted(raw)}: HTTP cannot send a line break, control character or character beyond Latin-1 in a header value`,
    );
  return [name, value];
}

function parsePath(flag: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (!raw.startsWith("/")) throw new UsageError(`${flag} ${quoted(raw)}: expected a path starting with /`);
  return raw;
}

/**
 * A preAction hook. An empty PROXYTRUST_PROBE_TOKEN is most likely a CI secret that is not set: the
 * scan runs as without it. An empty --probe-token was typed, so it is a mistake.
 */
export function checkProbeToken(command: Command): void {
  if (command.opts<ScanFlags>().probeToken !== "") return;
  if (command.getOptionValueSource("probeToken") !== "env")
    throw new UsageError("--probe-token '': expected the probe middleware's token, not an empty string");
  command.setOptionValueWithSource("probeToken", undefined, "env");
}

export function scanOptionsFrom(flags: ScanFlags): ScanOptions {
  const mappings = [...flags.resolve.map(parseResolve), ...flags.connectTo.map(parseConnectTo)];
  const headers: HeaderList = flags.header.map(parseHeader);
  return {
    ...DEFAULT_SCAN_OPTIONS,
    mappings,
    ca: flags.cacert === undefined ? undefined : readPem("--cacert", flags.cacert, parseCertificates),
    caFile: flags.cacert === undefined ? undefined : resolve(flags.cacert),
    insecure: flags.insecure,
    timeoutMs: flags.timeout * 1000,
    maxTimeMs: flags.maxTime * 1000,
    headers,
    cookiePath: parsePath("--cookie-path", flags.cookiePath),
    csrfPath: parsePath("--csrf-path", flags.csrfPath),
    csrfPost: parsePath("--csrf-post", flags.csrfPost),
    healthPaths: flags.healthPath.map((p) => parsePath("--health-path", p) as string),
    origins: [flags.origin].flat().map(parseTarget),
    proxy: flags.proxy,
    probeToken: flags.probeToken,
    probePath: parsePath("--probe-path", flags.probePath) as string,
  };
}

export function scanCommand(): Command {
  const single = new Command("scan")
    .description("verify a live Django-behind-proxy deployment from the outside")
    .argument("[url]", "the site, e.g. https://app.example.com/ (or --targets, or the config file's targets)")
    .option("--resolve <host:port:addr>", "connect to ADDR for HOST:PORT (as curl; repeatable)", collect, [])
    .option(
      "--connect-to <h1:p1:h2:p2>",
      "connect to HOST2:PORT2 for HOST1:PORT1 (as curl; repeatable)",
      collect,
      [],
    )
    .option("--cacert <file>", "trust this CA certificate (PEM)")
    .option("-k, --insecure", "do not verify TLS certificates", false)
    .option("--timeout <seconds>", "per request", parseSeconds, 10)
    .option("--max-time <seconds>", "for the whole scan", parseSeconds, 60)
    .option(
      "-H, --header <'Name: value'>",
      "send with every probe, e.g. auth for staging (repeatable)",
      collect,
      [],
    )
    .option("--cookie-path <path>", "a page that sets the session cookie")
    .option("--csrf-path <path>", "a page that issues a CSRF token (form field and cookie)")
    .option("--csrf-post <path>", "the endpoint to POST the token to (default: the form's action)")
    .option(
      "--health-path <path>",
      "a health-check path that must answer over plain HTTP (repeatable)",
      collect,
      [],
    )
    .option(
      "--origin <url>",
      "the app server's own address, to check it cannot be used around the proxy (repeatable)",
      collect,
      [],
    )
    .addOption(
      new Option(
        "--proxy <kind>",
        "the proxy in front, for the fixes (default: identified from its responses)",
      ).choices(PROXY_KINDS),
    )
    .addOption(
      new Option("--probe-token <token>", "the probe middleware's token (docs/probe.md)").env(
        "PROXYTRUST_PROBE_TOKEN",
      ),
    )
    .option("--probe-path <path>", "where the probe middleware answers", DEFAULT_PROBE_PATH);
  // The single-site options first in --help, then the stronger links, fleets and report options.
  const scan = addFleetOptions(addLinkOptions(single)).hook("preAction", checkProbeToken);
  return addReportOptions(scan, "show evidence for every clause", { sarifLocation: true }).action(
    async (rawUrl: string | undefined, _flags: ScanFlags, command: Command) => {
      const config = await loadScanConfig(command);
      const interruption = onInterrupt();
      const optionsFor = (flags: ScanFlags, url: URL) => ({
        ...scanOptionsFrom(flags),
        ...linkOptionsFrom(flags, url),
        stop: interruption.signal,
      });
      if (rawUrl === undefined) {
        // Loaded only for a fleet: a single-URL scan has no use for the fleet's modules.
        const { runFleetScan } = await import("./fleet-scan.js");
        return runFleetScan(command, config, optionsFor, interruption);
      }
      if (command.opts<ScanFlags>().targets !== undefined)
        throw new UsageError("give one URL or --targets FILE, not both");
      checkSingleTarget(command);
      const target = parseTarget(rawUrl);
      const flags = config.flagsFor(command.opts<ScanFlags>(), target);
      const scanned = await runScan(target, optionsFor(flags, target));
      const report = config.finish(scanned.report);
      await finishReport("scan", report, flags, scanned.couldNotRun, { interruption });
    },
  );
}
