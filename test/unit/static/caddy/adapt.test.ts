/** The parser against the real thing: `caddy adapt` must find the same hosts and upstreams in every fixture. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  adaptCaddyfile,
  findCaddyBinary,
  summarizeAdaptedJson,
  summarizeCaddyConfig,
} from "../../../../src/static/caddy/adapt.js";
import { loadCaddyfile } from "../../../../src/static/caddy/model.js";

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");
const binary = findCaddyBinary();

for (const name of readdirSync(fixtures).filter((f) => f.endsWith(".Caddyfile"))) {
  test(
    `caddy adapt agrees on hosts and upstreams: ${name}`,
    { skip: !binary && "caddy not installed" },
    () => {
      const file = path.join(fixtures, name);
      const adapted = adaptCaddyfile(file, binary);
      assert.ok(adapted.ok, adapted.ok ? "" : adapted.error);
      const ours = loadCaddyfile(file, { env: {} });
      assert.deepEqual(ours.errors, []);
      const theirs = summarizeAdaptedJson(adapted.json);
      assert.ok(theirs.upstreams.length > 0 || theirs.hosts.length > 0, "fixture should proxy or name hosts");
      assert.deepEqual(summarizeCaddyConfig(ours), theirs);
    },
  );
}

test(
  "adaptCaddyfile reports caddy's own error for an invalid file",
  { skip: !binary && "caddy not installed" },
  () => {
    const result = adaptCaddyfile(path.join(fixtures, "sites", "does-not-exist.caddy"), binary);
    assert.equal(result.ok, false);
  },
);
