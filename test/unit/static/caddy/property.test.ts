/** Random and mutated Caddyfiles: the parser and the rules never throw, and parsing stays linear. */
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { parseCaddyfile } from "../../../../src/static/caddy/model.js";
import { caddyRules } from "../../../../src/static/rules/caddy/index.js";
import { assertLinear, configTexts, readSeeds } from "./config-inputs.js";

const seeds = readSeeds(path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures"), ".Caddyfile");
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
const parse = (text: string) => parseCaddyfile(text, "/virtual/Caddyfile");

test("10,000 random and mutated Caddyfiles never throw, in the parser or the rules", () => {
  fc.assert(
    fc.property(configTexts(seeds, pieces), (text) => {
      const caddy = parse(text);
      for (const error of caddy.errors) assert.ok(error.line >= 1 && error.message.length > 0);
      for (const rule of caddyRules) rule.check({ caddy });
    }),
    { numRuns: 10_000 },
  );
});

test("parse time grows linearly with input size", () => {
  assertLinear(parse, seeds.join("\n") + '\n"unclosed\n{ { {\n');
});
