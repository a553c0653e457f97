/** Random and mutated Caddyfiles: the parser never throws and stays linear in the input's length. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { parseCaddyfile } from "../../../../src/static/caddy/model.js";

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");
const seeds = readdirSync(fixtures)
  .filter((f) => f.endsWith(".Caddyfile"))
  .map((f) => readFileSync(path.join(fixtures, f), "utf8"));

const pieces = [
  "{",
  "}",
  "\n",
  " ",
  "\t",
  '"',
  "`",
  "\\",
  "#",
  "<<EOF\n",
  "EOF",
  "import ",
  "(s)",
  "{$X:y}",
  "{args.0}",
  "reverse_proxy",
  "http://",
  ":80",
  ",",
];
const tokenSoup = fc
  .array(fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 8 })), { maxLength: 80 })
  .map((parts) => parts.join(""));

/** A fixture with a random slice deleted, duplicated or replaced. */
const mutatedFixture = fc
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

test("10,000 random and mutated Caddyfiles never throw", () => {
  fc.assert(
    fc.property(
      fc.oneof(tokenSoup, mutatedFixture, fc.string({ maxLength: 200, unit: "binary" })),
      (text) => {
        const config = parseCaddyfile(text, "/virtual/Caddyfile");
        for (const error of config.errors) {
          assert.equal(typeof error.message, "string");
          assert.ok(error.line >= 1);
        }
      },
    ),
    { numRuns: 10_000 },
  );
});

test("parse time grows linearly with input size", () => {
  const unit = seeds.join("\n") + '\n"unclosed\n{ { {\n';
  const time = (copies: number) => {
    const text = unit.repeat(copies);
    const started = process.hrtime.bigint();
    parseCaddyfile(text, "/virtual/Caddyfile");
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  time(20);
  const small = Math.max(time(50), 1);
  const large = time(800);
  assert.ok(large < small * 16 * 4, `16x input took ${large.toFixed(1)} ms vs ${small.toFixed(1)} ms`);
});
