/** -H values are sent as given: one that HTTP cannot carry is the user's mistake, refused before any request. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { runCli } from "../../e2e/run-cli.js";

test("a -H value with a line break, control character or non-Latin-1 character: one line, exit 2", async () => {
  for (const [value, shown] of [
    ["a\r\nX-Injected: 1", "a\\r\\nX-Injected: 1"],
    ["a\x1b[2Jb", "a\\x1b[2Jb"],
    ["a\x7fb", "a\\x7fb"],
    ["token \u2603", "token \u2603"],
  ]) {
    const result = await runCli(["scan", "http://127.0.0.1:1/", "-H", `X-A: ${value}`]);
    assert.equal(result.code, 2, result.stderr);
    assert.equal(
      result.stderr,
      `proxytrust: --header 'X-A: ${shown}': HTTP cannot send a line break, control character or character beyond Latin-1 in a header value\n`,
    );
  }
});
