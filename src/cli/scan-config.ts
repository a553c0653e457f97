/** The config file's part in every scan and audit: defaults for unset options, per-target settings, suppressions. */
import { isAbsolute, resolve } from "node:path";
import type { Command } from "./commander.js";
import { findConfigFile } from "../config/find.js";
import type { LoadedConfig } from "../config/load.js";
import type { ScanSettings, TargetEntry } from "../config/schema.js";
import { applySuppressions, describeSuppression, expiredSuppressions, isoToday } from "../config/suppress.js";
import type { Report } from "../report/model.js";
import type { OutputFlags } from "./common.js";
import type { FleetFlags } from "./fleet-options.js";
import { UsageError } from "./usage-error.js";

/** The scan flags read here; the config file sets others by their commander names (SETTING_FLAGS). */
export interface ScanConfigFlags extends OutputFlags, FleetFlags {
  resolve: string[];
  connectTo: string[];
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
  flagsFor<F extends ScanConfigFlags>(flags: F, url: URL): F;
  /** Suppressions applied. */
  finish(report: Report): Report;
}

export function targetEntries(loaded: LoadedConfig | undefined): TargetEntry[] {
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

/** Each option the command line left at its default takes the config file's value: the command line wins. */
function fillUnsetOptions(command: Command, fromFile: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(fromFile)) {
    const source = command.getOptionValueSource(key);
    if (value !== undefined && (source === undefined || source === "default"))
      command.setOptionValueWithSource(key, value, "config");
  }
}

/** The config file's suppressions, applied to a report; the expired ones are reported once, here. */
function suppressionsOf(loaded: LoadedConfig | undefined): (report: Report) => Report {
  const rules = loaded?.config.suppressions ?? [];
  const today = isoToday();
  for (const rule of expiredSuppressions(rules, today))
    process.stderr.write(
      `proxytrust: the suppression of ${describeSuppression(rule)} expired on ${rule.expires} and no longer applies\n`,
    );
  return (report) => applySuppressions(report, rules, today);
}

async function loadConfigOf(command: Command): Promise<LoadedConfig | undefined> {
  const file = command.opts<{ config?: string }>().config ?? findConfigFile(process.cwd());
  return file === undefined ? undefined : await readConfigFile(file);
}

/**
 * The config file's part in an audit: its failOn when --fail-on is not given, and its suppressions
 * (a `rule` suppression names a static rule). Returns what applies the suppressions to the report.
 */
export async function loadAuditConfig(command: Command): Promise<(report: Report) => Report> {
  const loaded = await loadConfigOf(command);
  if (loaded) fillUnsetOptions(command, { failOn: loaded.config.failOn });
  return suppressionsOf(loaded);
}

/**
 * Reads the config file and fills every option the command line left at its default, so the
 * command line always wins. Expired suppressions are reported once here.
 */
export async function loadScanConfig(command: Command): Promise<ScanConfig> {
  const loaded = await loadConfigOf(command);
  if (loaded) {
    const { config, dir } = loaded;
    fillUnsetOptions(command, {
      ...(config.defaults ? settingsAsFlags(config.defaults, dir) : {}),
      failOn: config.failOn,
      concurrency: config.concurrency,
      perHost: config.perHost,
      perHostDelay: config.perHostDelay,
    });
  }
  const finish = suppressionsOf(loaded);
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
    finish,
  };
}
