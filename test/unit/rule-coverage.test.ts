import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { ALL_RULES } from "../../src/static/rules/index.js";

const TESTS = fileURLToPath(new URL("..", import.meta.url));

function testSources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory()
      ? testSources(path)
      : name.endsWith(".ts")
        ? [readFileSync(path, "utf8")]
        : [];
  });
}

test("every static rule is exercised by a test that names it (its rule id or its module)", () => {
  const sources = testSources(TESTS).join("\n");
  const untested = ALL_RULES.map((r) => r.meta.id).filter((id) => {
    const module = id.replace(/^(django|nginx|caddy|haproxy|gunicorn|traefik|contract)-/, "");
    return !sources.includes(`"${id}"`) && !sources.includes(`/${module}.js"`);
  });
  assert.deepEqual(untested, []);
});
