/**
 * The scan options that concern several targets, declared on every scan; what runs a fleet
 * (fleet-scan.ts) loads only when there is one.
 */
import { InvalidArgumentError, Option, type Command } from "./commander.js";
import { parseShard, ShardSyntaxError, type Shard } from "../fleet/shard.js";
import { UsageError } from "./usage-error.js";

export interface FleetFlags {
  config?: string;
  targets?: string;
  concurrency: number;
  perHost: number;
  perHostDelay: number;
  shard?: Shard;
  jsonl?: string;
}

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

/** Options given on the command line that only make sense for several targets. */
export function checkSingleTarget(command: Command): void {
  const fleetOnly = ["shard", "jsonl", "concurrency", "perHost", "perHostDelay"];
  const given = fleetOnly.filter((key) => command.getOptionValueSource(key) === "cli");
  if (given.length)
    throw new UsageError(
      `--${given[0]!.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} applies to several targets (--targets or the config file's), not to one URL`,
    );
}
