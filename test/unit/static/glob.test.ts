import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expandGlob, MAX_GLOB_PATHS, type GlobOptions } from "../../../src/static/glob.js";

const NGINX: GlobOptions = { leadingDot: "explicit", links: "follow" };
const APACHE: GlobOptions = { leadingDot: "explicit", links: "skip" };
const CADDY: GlobOptions = { leadingDot: "any", links: "follow" };

const dir = mkdtempSync(path.join(tmpdir(), "proxytrust-glob-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const at = (...parts: string[]) => path.join(dir, ...parts);
const relative = (found: string[]) => found.map((file) => path.relative(dir, file));

for (const site of ["shop", "blog", ".old"]) {
  mkdirSync(at("vhosts", site), { recursive: true });
  writeFileSync(at("vhosts", site, "site.conf"), "");
}
// Beside the site folders: a file, a link to one of them and a link to itself.
writeFileSync(at("vhosts", "README"), "");
symlinkSync("shop", at("vhosts", "linked"));
symlinkSync("self", at("vhosts", "self"));

test("a wildcard before the last segment matches directories only; links are followed or, for Apache, skipped", () => {
  assert.deepEqual(relative(expandGlob(at("vhosts", "*", "site.conf"), NGINX)), [
    "vhosts/blog/site.conf",
    "vhosts/linked/site.conf",
    "vhosts/shop/site.conf",
  ]);
  assert.deepEqual(relative(expandGlob(at("vhosts", "*", "site.conf"), APACHE)), [
    "vhosts/blog/site.conf",
    "vhosts/shop/site.conf",
  ]);
  assert.deepEqual(relative(expandGlob(at("vhosts", "*", "site.conf"), CADDY)), [
    "vhosts/.old/site.conf",
    "vhosts/blog/site.conf",
    "vhosts/linked/site.conf",
    "vhosts/shop/site.conf",
  ]);
  // A path through a file or a link loop names nothing; it is not an error.
  assert.deepEqual(expandGlob(at("vhosts", "README", "site.conf"), NGINX), []);
  assert.deepEqual(expandGlob(at("vhosts", "self", "site.conf"), NGINX), []);
});

test("bracket classes: a leading ] is literal, ! negates, and a reversed range matches nothing", () => {
  writeFileSync(at("]a.conf"), "");
  writeFileSync(at("b.conf"), "");
  assert.deepEqual(relative(expandGlob(at("[]]a.conf"), NGINX)), ["]a.conf"]);
  assert.deepEqual(relative(expandGlob(at("[!]]*.conf"), NGINX)), ["b.conf"]);
  assert.deepEqual(expandGlob(at("[z-a].conf"), NGINX), []);
});

test("a pattern that multiplies through links back into their folder stops with an error", () => {
  mkdirSync(at("loop"));
  for (const name of ["a", "b", "c"]) symlinkSync(".", at("loop", name));
  const pattern = at("loop", ...Array.from({ length: 10 }, () => "*"), "x.conf");
  assert.throws(() => expandGlob(pattern, NGINX), new RegExp(`more than ${MAX_GLOB_PATHS} paths`));
});
