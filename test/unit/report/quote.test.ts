import assert from "node:assert/strict";
import { test } from "node:test";
import { printable, quoted } from "../../../src/report/quote.js";

test("control characters are escaped, printable text is kept", () => {
  assert.equal(printable("a\nb\tc\u001b[31m\u0000é"), "a\\nb\\tc\\x1b[31m\\x00é");
  assert.equal(quoted("https://app.test/"), "'https://app.test/'");
});

test("long input is cut after the limit, never inside an escape", () => {
  assert.equal(quoted("x".repeat(100), 10), `'${"x".repeat(10)}…'`);
  assert.equal(quoted(`${"x".repeat(8)}\u0000`, 10), `'${"x".repeat(8)}…'`);
});
