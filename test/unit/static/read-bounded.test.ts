/** The bounded read: what is over the limit is refused, even from files whose size stat cannot tell. */
import assert from "node:assert/strict";
import { mkdtempSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { FileTooLargeError, readAtMost } from "../../../src/static/read-bounded.js";

const MB = 1024 * 1024;

test("a file within the limit is read whole, across read chunks", () => {
  const file = join(mkdtempSync(join(tmpdir(), "proxytrust-bounded-")), "nginx.conf");
  const text = "server { listen 80; }\n".repeat(400_000);
  writeFileSync(file, text);
  assert.equal(readAtMost(file, 16 * MB).toString("utf8"), text);
});

test("a regular file over the limit is refused by its size, naming the limit", () => {
  const file = join(mkdtempSync(join(tmpdir(), "proxytrust-bounded-")), "huge.conf");
  writeFileSync(file, "");
  truncateSync(file, 3 * MB + 1);
  assert.throws(
    () => readAtMost(file, 3 * MB),
    (err) =>
      err instanceof FileTooLargeError && /3145729 bytes or more, over the 3 MB limit/.test(err.message),
  );
});

test("an endless special file (stat says 0 bytes) is cut off at the limit", () => {
  assert.throws(() => readAtMost("/dev/zero", 8 * MB), FileTooLargeError);
});

test("a /proc file whose stat size is 0 is still read whole", () => {
  assert.match(readAtMost("/proc/self/status", MB).toString("utf8"), /^Name:/);
});
