/**
 * The Caddy and HAProxy parsers over every file of the shared corpus. The corpus holds no Caddyfile or
 * HAProxy config today, so Caddy/HAProxy-looking files must parse cleanly and every other real-world
 * file (nginx, Python, YAML, Jinja) must still give located errors rather than exceptions.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import path from "node:path";
import { CORPUS as corpus, corpusMissing } from "../../../corpus.js";
import { loadCaddyfile } from "../../../../src/static/caddy/model.js";
import { loadHaproxyConfig } from "../../../../src/static/haproxy/model.js";

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : entry.isFile() ? [full] : [];
  });
}

const looksLikeCaddy = (file: string) => /caddy/i.test(path.basename(file));
const looksLikeHaproxy = (file: string) => /haproxy/i.test(path.basename(file));

test("every corpus file goes through both parsers without an exception", { skip: corpusMissing }, () => {
  const files = filesUnder(corpus);
  assert.ok(files.length > 50, `corpus has ${files.length} files`);
  for (const file of files) {
    const caddy = loadCaddyfile(file);
    const haproxy = loadHaproxyConfig(file);
    for (const error of [...caddy.errors, ...haproxy.errors]) {
      assert.ok(
        error.line >= 1 && error.file.length > 0 && error.message.length > 0,
        `${file}: ${JSON.stringify(error)}`,
      );
    }
    if (looksLikeCaddy(file)) assert.deepEqual(caddy.errors, [], file);
    if (looksLikeHaproxy(file)) assert.deepEqual(haproxy.errors, [], file);
  }
});
