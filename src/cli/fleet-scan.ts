/**
 * `proxytrust scan` over many targets (--targets FILE or the config file's targets), and the config
 * file's part in every scan: defaults for unset options, per-target settings, suppressions.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { InvalidArgumentError, Option, type Command } from "./commander.js";
import { findConfigFile } from "../config/find.js";
import type { LoadedConfig } from "../config/load.js";
import type { ScanSettings, TargetEntry } from "../config/schema.js";
import { applySuppressions, describeSuppression, expiredSuppressions, isoToday } from "../config/suppress.js";
import { nothingScanned } from "../fleet/combine.js";
import { JsonlWriter } from "../fleet/jsonl.js";
import { FleetProgress } from "../fleet/progress.js";
import { scanFleet, type FleetTarget } from "../fleet/scan-fleet.js";
import { inShard, parseShard, ShardSyntaxError, type Shard } from "../fleet/shard.js";
import { parseTargetsFile } from "../fleet/targets-file.js";
import type { Report } from "../report/model.js";
import type { ScanOptions } from "../scan/options.js";
import { MappingSyntaxError } from "../transport/mapping.js";
import { finishReport, type OutputFlags } from "./common.js";
import { UsageError } from "./usage-error.js";
import type { Interruption } from "./interrupt.js";
import { describeFileError } from "../file-error.js";

/** The scan flags read here; the config file sets others by their commander names (SETTING_FLAGS). */
export interface ConfigurableFlags extends OutputFlags {
  resolve: string[];
  connectTo: string[];
}

export interface FleetFlags {
  config?: string;
  targets?: string;
  concurrency: number;
  perHost: number;
  perHostDelay: number;
  shard?: Shard;
  jsonl?: string;
}

type Flags = ConfigurableFlags & FleetFlags;

function integerIn(min: number, max: number) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    return n;
  };
}

function shardArgument(raw: string): Shard {
  try {
    return parseShard(raw);
  } catch (err) {
    if (err instanceof ShardSyntaxError) throw new InvalidArgumentError(err.message);
    throw err;
  }
}

export function addFleetOptions(command: Command): Command {
  return command
    .option(
      "--config <file>",
      "the config file (default: proxytrust.config.json here or in a directory above)",
    )
    .option("--targets <file>", "scan every URL in FILE (one per line, # comments) instead of one URL")
    .option("--concurrency <n>", "targets scanned at once", integerIn(1, 256), 8)
    .option("--per-host <n>", "requests in flight to one host at most, over all scans", integerIn(1, 64), 2)
    .option("--per-host-delay <ms>", "milliseconds between requests to one host", integerIn(0, 60_000), 0)
    .addOption(
      new Option("--shard <i/n>", "scan only the I-th of N stable parts of the targets (1-based)").argParser(
        shardArgument,
      ),
    )
    .option("--jsonl <file>", "write each target's JSON report to FILE as one line, as soon as it is done");
}

/** Config keys and the flags they stand for; lists of mappings add up, the rest replace. */
const SETTING_FLAGS: [keyof ScanSettings, string][] = [
  ["resolve", "resolve"],
  ["connectTo", "connectTo"],
  ["cacert", "cacert"],
  ["insecure", "insecure"],
  ["timeout", "timeout"],
  ["maxTime", "maxTime"],
  ["headers", "header"],
  ["cookiePath", "cookiePath"],
  ["csrfPath", "csrfPath"],
  ["csrfPost", "csrfPost"],
  ["healthPaths", "healthPath"],
  ["origin", "origin"],
  ["proxy", "proxy"],
  ["probePath", "probePath"],
];

function settingsAsFlags(settings: ScanSettings, configDir: string): Record<string, unknown> {
  const flags: Record<string, unknown> = {};
  for (const [key, flag] of SETTING_FLAGS) if (settings[key] !== undefined) flags[flag] = settings[key];
  if (settings.cacert !== undefined)
    flags.cacert = isAbsolute(settings.cacert) ? settings.cacert : resolve(configDir, settings.cacert);
  return flags;
}

/** The config file's view of one scan command. */
export interface ScanConfig {
  loaded?: LoadedConfig;
  /** The flags for one target: a config target entry's own settings over the command's flags. */
  flagsFor<F extends Flags>(flags: F, url: URL): F;
  /** Suppressions applied. */
  finish(report: Report): Report;
}

function targetEntries(loaded: LoadedConfig | undefined): TargetEntry[] {
  return (loaded?.config.targets ?? []).map((entry) => (typeof entry === "string" ? { url: entry } : entry));
}

/** The config file, validated; its module (and the schema validator) loads only when there is a file. */
async function readConfigFile(file: string): Promise<LoadedConfig> {
  const { ConfigError, loadConfig } = await import("../config/load.js");
  try {
    return loadConfig(file);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
}

/**
 * Reads the config file and fills every option the command line left at its default, so the
 * command line always wins. Expired suppressions are reported once here.
 */
export async function loadScanConfig(command: Command): Promise<ScanConfig> {
  const flags = command.opts<Flags>();
  const file = flags.config ?? findConfigFile(process.cwd());
  const loaded = file === undefined ? undefined : await readConfigFile(file);
  if (loaded) {
    const { config, dir } = loaded;
    const fromFile: Record<string, unknown> = {
      ...(config.defaults ? settingsAsFlags(config.defaults, dir) : {}),
      failOn: config.failOn,
      concurrency: config.concurrency,
      perHost: config.perHost,
      perHostDelay: config.perHostDelay,
    };
    for (const [key, value] of Object.entries(fromFile)) {
      const source = command.getOptionValueSource(key);
      if (value !== undefined && (source === undefined || source === "default"))
        command.setOptionValueWithSource(key, value, "config");
    }
  }
  const rules = loaded?.config.suppressions ?? [];
  const today = isoToday();
  for (const rule of expiredSuppressions(rules, today))
    process.stderr.write(
      `proxytrust: the suppression of ${describeSuppression(rule)} expired on ${rule.expires} and no longer applies\n`,
    );
  const entries = new Map(targetEntries(loaded).map((entry) => [new URL(entry.url).href, entry]));
  return {
    loaded,
    flagsFor: (base, url) => {
      const entry = entries.get(url.href);
      if (!entry || !loaded) return base;
      const own = settingsAsFlags(entry, loaded.dir);
      return {
        ...base,
        ...own,
        // The target's own mappings first: the first matching one wins, as in curl.
        resolve: [...((own.resolve as string[] | undefined) ?? []), ...base.resolve],
        connectTo: [...((own.connectTo as string[] | undefined) ?? []), ...base.connectTo],
      };
    },
    finish: (report) => applySuppressions(report, rules, today),
  };
}

/** The targets to scan, before sharding: the --targets file, else the config file's targets. */
function fleetUrls(flags: Flags, config: ScanConfig, parseTarget: (raw: string) => URL): URL[] {
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
      text = readFileSync(flags.targets, "utf8");
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

/** Options given on the command line that only make sense for several targets. */
export function checkSingleTarget(command: Command): void {
  const fleetOnly = ["shard", "jsonl", "concurrency", "perHost", "perHostDelay"];
  const given = fleetOnly.filter((key) => command.getOptionValueSource(key) === "cli");
  if (given.length)
    throw new UsageError(
      `--${given[0]!.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} applies to several targets (--targets or the config file's), not to one URL`,
    );
}

export async function runFleetScan<F extends Flags>(
  command: Command,
  config: ScanConfig,
  parseTarget: (raw: string) => URL,
  optionsFor: (flags: F, url: URL) => ScanOptions,
  interruption: Interruption,
): Promise<void> {
  const flags = command.opts<F>();
  const all = fleetUrls(flags, config, parseTarget);
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
