/**
 * A file that sets no ROOT_URLCONF cannot be the whole settings module Django runs: it is a block
 * appended to one (as `init` writes), so what it leaves out is unknown, not Django's default.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadDjangoSettings } from "../../../../src/static/python/load-settings.js";

const BLOCK = `ALLOWED_HOSTS = ["app.example.com"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
`;

function write(text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "proxytrust-settings-")), "settings.py");
  writeFileSync(file, text);
  return file;
}

test("a settings block without ROOT_URLCONF: settings it leaves out are unknown, those it sets are read", async () => {
  const settings = await loadDjangoSettings(write(BLOCK));
  assert.deepEqual(
    settings.values("MIDDLEWARE").map((v) => v.kind),
    ["unknown"],
  );
  assert.match(JSON.stringify(settings.values("SECRET_KEY")), /sets no ROOT_URLCONF/);
  assert.deepEqual(settings.values("SECURE_SSL_REDIRECT"), [{ kind: "bool", value: true }]);
});

test("a whole settings module: a setting it leaves out is Django's default", async () => {
  const settings = await loadDjangoSettings(write(`ROOT_URLCONF = "shop.urls"\n${BLOCK}`));
  assert.notEqual(settings.values("MIDDLEWARE")[0]?.kind, "unknown");
  assert.notEqual(settings.values("SECRET_KEY")[0]?.kind, "unknown");
});
