/**
 * --shard I/N: splits a fleet among N CI jobs. A target's shard depends only on a hash of its own
 * URL, never on its position, so adding targets to the list does not move the others.
 */
import { createHash } from "node:crypto";
import { quoted } from "../report/quote.js";

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export class ShardSyntaxError extends Error {}

export function parseShard(raw: string): Shard {
  const match = /^(\d{1,6})\/(\d{1,6})$/.exec(raw.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count)
    throw new ShardSyntaxError(`--shard ${quoted(raw)}: expected I/N with 1 <= I <= N, e.g. 2/4`);
  return { index, count };
}

/** The 1-based shard a URL belongs to among `count`. */
export function shardOf(url: string, count: number): number {
  const digest = createHash("sha256").update(url).digest();
  return (digest.readUInt32BE(0) % count) + 1;
}

export function inShard(url: string, shard: Shard): boolean {
  return shardOf(url, shard.count) === shard.index;
}
