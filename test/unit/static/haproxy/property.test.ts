/** Random and mutated HAProxy configs: the parser and the rules never throw, and parsing stays linear. */
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { parseHaproxyConfig } from "../../../../src/static/haproxy/model.js";
import { haproxyRules } from "../../../../src/static/rules/haproxy/index.js";
import { fastestMs } from "../../fastest.js";
import { assertLinear, configTexts, readSeeds } from "../caddy/config-inputs.js";

const seeds = readSeeds(path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures"), ".cfg");
const pieces = [
  "frontend f\n",
  "backend b\n",
  "defaults\n",
  "listen l\n",
  "  bind :80 ssl accept-proxy\n",
  "  mode http\n",
  " if ",
  " unless ",
  "{",
  "}",
  "!",
  "||",
  '"',
  "'",
  "\\",
  "#",
  "\n",
  " ",
  "$X",
  "${Y}",
  "server s 127.0.0.1:1\n",
  "default_backend b\n",
  "http-request set-header X-Forwarded-Proto ",
];
const parse = (text: string) => parseHaproxyConfig(text, "/virtual/haproxy.cfg");

test("10,000 random and mutated configs never throw, in the parser or the rules", () => {
  fc.assert(
    fc.property(configTexts(seeds, pieces), (text) => {
      const haproxy = parse(text);
      for (const error of haproxy.errors) assert.ok(error.line >= 1 && error.message.length > 0);
      for (const rule of haproxyRules) rule.check({ haproxy });
    }),
    { numRuns: 10_000 },
  );
});

test("parse time grows linearly with input size, also for one very long line", () => {
  assertLinear(parse, seeds.join("\n"));
  assert.ok(
    fastestMs(() => parse("frontend f\n  http-request deny if " + "{ a ".repeat(100_000) + "\n"), 1) < 2000,
  );
});
