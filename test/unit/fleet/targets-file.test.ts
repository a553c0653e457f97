import assert from "node:assert/strict";
import { test } from "node:test";
import { parseTargetsFile } from "../../../src/fleet/targets-file.js";

test("one URL per line; blank lines and # comments (whole-line or trailing) are ignored", () => {
  const text = [
    "# production",
    "https://app.example.com/",
    "",
    "   https://shop.example.com/login/   # the shop",
    "\t# staging is scanned elsewhere",
    "https://example.com/#fragment-is-kept",
    "http://legacy.example.com/\r",
  ].join("\n");
  assert.deepEqual(parseTargetsFile(text), [
    { line: 2, text: "https://app.example.com/" },
    { line: 4, text: "https://shop.example.com/login/" },
    { line: 6, text: "https://example.com/#fragment-is-kept" },
    { line: 7, text: "http://legacy.example.com/" },
  ]);
});

test("an empty or comment-only file has no targets", () => {
  assert.deepEqual(parseTargetsFile(""), []);
  assert.deepEqual(parseTargetsFile("# nothing yet\n\n"), []);
});
