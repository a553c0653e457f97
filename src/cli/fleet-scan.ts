/** `proxytrust scan` over many targets: --targets FILE or the config file's targets. */
import type { Command } from "./commander.js";
import { nothingScanned } from "../fleet/combine.js";
import { JsonlWriter } from "../fleet/jsonl.js";
import { FleetProgress } from "../fleet/progress.js";
import { scanFleet, type FleetTarget } from "../fleet/scan-fleet.js";
import { inShard } from "../fleet/shard.js";
import { parseTargetsFile } from "../fleet/targets-file.js";
import type { ScanOptions } from "../scan/options.js";
import { MappingSyntaxError } from "../transport/mapping.js";
import { finishReport } from "./common.js";
import { targetEntries, type ScanConfig, type ScanConfigFlags } from "./scan-config.js";
import { parseTarget } from "./target-url.js";
import { UsageError } from "./usage-error.js";
import type { Interruption } from "./interrupt.js";
import { describeFileError } from "../file-error.js";
import { readTextFile } from "../read-file.js";

/** A URL a line: millions of targets fit. */
const MAX_TARGETS_BYTES = 256 * 1024 * 1024;

/** The targets to scan, before sharding: the --targets file, else the config file's targets. */
function fleetUrls(flags: ScanConfigFlags, config: ScanConfig): URL[] {
  const located = (where: string, raw: string): URL => {
    try {
      return parseTarget(raw);
    } catch (err) {
      if (err instanceof UsageError) throw new UsageError(`${where}: ${err.message}`);
      throw err;
    }
  };
  let urls: URL[];
  if (flags.targets !== undefined) {
    let text: string;
    try {
      text = readTextFile(flags.targets, MAX_TARGETS_BYTES, { streams: true });
    } catch (err) {
      throw new UsageError(`--targets ${flags.targets}: ${describeFileError(err)}`);
    }
    urls = parseTargetsFile(text).map(({ line, text: raw }) => located(`${flags.targets}:${line}`, raw));
  } else {
    const file = config.loaded?.file ?? "";
    urls = targetEntries(config.loaded).map((entry, i) => located(`${file}: targets[${i}]`, entry.url));
  }
  if (urls.length === 0)
    throw new UsageError(
      flags.targets !== undefined
        ? `--targets ${flags.targets}: no URL in it`
        : "nothing to scan: give a URL, --targets FILE, or targets in proxytrust.config.json",
    );
  const unique = new Map(urls.map((url) => [url.href, url]));
  return [...unique.values()];
}

export async function runFleetScan<F extends ScanConfigFlags>(
  command: Command,
  config: ScanConfig,
  optionsFor: (flags: F, url: URL) => ScanOptions,
  interruption: Interruption,
): Promise<void> {
  const flags = command.opts<F>();
  const all = fleetUrls(flags, config);
  const selected = flags.shard ? all.filter((url) => inShard(url.href, flags.shard!)) : all;
  const targets: FleetTarget[] = selected.map((url) => {
    try {
      return { url, options: optionsFor(config.flagsFor(flags, url), url) };
    } catch (err) {
      if (err instanceof UsageError || err instanceof MappingSyntaxError)
        throw new UsageError(`${url.href}: ${err.message}`);
      throw err;
    }
  });
  const shardNote = flags.shard ? ` (shard ${flags.shard.index}/${flags.shard.count} of ${all.length})` : "";
  process.stderr.write(
    `proxytrust: scanning ${targets.length} target${targets.length === 1 ? "" : "s"}${shardNote}\n`,
  );

  let jsonl: JsonlWriter | undefined;
  if (flags.jsonl !== undefined) {
    try {
      jsonl = new JsonlWriter(flags.jsonl);
    } catch (err) {
      throw new UsageError(
        `--jsonl ${flags.jsonl}: cannot write it (${describeFileError(err, { writing: true })})`,
      );
    }
  }
  const progress = new FleetProgress(targets.length, process.stderr);
  let outcome;
  try {
    outcome = await scanFleet(targets, {
      concurrency: flags.concurrency,
      politeness: { perHost: flags.perHost, delayMs: flags.perHostDelay },
      finish: config.finish,
      keepAllEvidence: flags.verbose,
      stop: interruption.signal,
      onReport: (report) => {
        jsonl?.write(report);
        if (report.couldNotRun !== undefined)
          progress.note(`proxytrust: ${report.target} could not be scanned: ${report.couldNotRun}`);
        progress.record(report);
      },
    });
  } finally {
    jsonl?.close();
  }
  progress.finish();

  const { summary } = outcome;
  await finishReport(
    "scan",
    summary,
    flags,
    nothingScanned(summary) ? "no target could be scanned" : undefined,
    {
      interruption,
    },
  );
}
