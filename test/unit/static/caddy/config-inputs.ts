/** Shared generators and timing for the config parsers' property tests (Caddy and HAProxy). */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { fastestMs } from "../../fastest.js";

export function readSeeds(dir: string, suffix: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(suffix))
    .map((f) => readFileSync(path.join(dir, f), "utf8"));
}

/** Random text built from syntax pieces, fixtures with a slice deleted, duplicated or replaced, and raw bytes. */
export function configTexts(seeds: string[], pieces: string[]): fc.Arbitrary<string> {
  const tokenSoup = fc
    .array(fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 8 })), { maxLength: 80 })
    .map((parts) => parts.join(""));
  const mutated = fc
    .tuple(
      fc.constantFrom(...seeds),
      fc.nat(),
      fc.nat(),
      fc.constantFrom("delete", "duplicate", "insert"),
      fc.string({ maxLength: 6 }),
    )
    .map(([seed, a, b, how, insert]) => {
      const start = a % (seed.length + 1);
      const end = start + (b % 40);
      if (how === "delete") return seed.slice(0, start) + seed.slice(end);
      if (how === "duplicate") return seed.slice(0, end) + seed.slice(start, end) + seed.slice(end);
      return seed.slice(0, start) + insert + seed.slice(start);
    });
  return fc.oneof(tokenSoup, mutated, fc.string({ maxLength: 200, unit: "binary" }));
}

/**
 * 16 times the input may take at most 64 times as long: generous for noise, far below quadratic (256x).
 * The sizes stay a few megabytes at most: past that a loaded machine's garbage collection, not the parser,
 * sets the time of the large input.
 */
export function assertLinear(parse: (text: string) => unknown, unit: string): void {
  parse(unit.repeat(20));
  const small = Math.max(
    fastestMs(() => parse(unit.repeat(20))),
    1,
  );
  const large = fastestMs(() => parse(unit.repeat(320)));
  assert.ok(large < small * 16 * 4, `16x input took ${large.toFixed(1)} ms vs ${small.toFixed(1)} ms`);
}
