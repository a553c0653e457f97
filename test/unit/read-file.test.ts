/** The bounded read: over the limit is refused, and only regular files are read at all. */
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { FileTooLargeError, NotRegularFileError, readAtMost } from "../../src/read-file.js";

const MB = 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), "proxytrust-bounded-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("a file within the limit is read whole, across read chunks", () => {
  const file = join(dir, "nginx.conf");
  const text = "server { listen 80; }\n".repeat(400_000);
  writeFileSync(file, text);
  assert.equal(readAtMost(file, 16 * MB).toString("utf8"), text);
});

test("a regular file over the limit is refused by its size, naming the limit", () => {
  const file = join(dir, "huge.conf");
  writeFileSync(file, "");
  truncateSync(file, 3 * MB + 1);
  assert.throws(
    () => readAtMost(file, 3 * MB),
    (err: unknown) =>
      err instanceof FileTooLargeError && /3145729 bytes or more, over the 3 MB limit/.test(err.message),
  );
});

test("a /proc file whose stat size is 0 is still read whole", () => {
  assert.match(readAtMost("/proc/self/status", MB).toString("utf8"), /^Name:/);
});

test("devices, directories and FIFOs are refused without reading or waiting", () => {
  const fifo = join(dir, "pipe.conf");
  // A FIFO nobody writes to: opening it for reading the usual way would wait for ever.
  execFileSync("mkfifo", [fifo]);
  for (const [file, message] of [
    ["/dev/zero", "not a regular file"],
    [fifo, "not a regular file"],
    [dir, "is a directory"],
  ]) {
    assert.throws(
      () => readAtMost(file!, MB),
      (err: unknown) => err instanceof NotRegularFileError && err.message === message,
      file,
    );
  }
});

test("a pipe or device the user names is read to its end or the limit, never a directory", () => {
  const fifo = join(dir, "targets.fifo");
  execFileSync("mkfifo", [fifo]);
  // A writer in another process, as with `merge <(cat report.json)`.
  const writer = spawn("sh", ["-c", `printf 'https://a.test/\\n' > ${fifo}`]);
  try {
    assert.equal(readAtMost(fifo, MB, { streams: true }).toString("utf8"), "https://a.test/\n");
  } finally {
    writer.kill();
  }
  assert.equal(readAtMost("/dev/null", MB, { streams: true }).length, 0);
  assert.throws(() => readAtMost("/dev/zero", MB, { streams: true }), FileTooLargeError);
  assert.throws(
    () => readAtMost(dir, MB, { streams: true }),
    (err: unknown) => err instanceof NotRegularFileError && err.message === "is a directory",
  );
});
