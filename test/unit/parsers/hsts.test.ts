import assert from "node:assert/strict";
import { test } from "node:test";
import { parseHsts } from "../../../src/parsers/hsts.js";

test("reads max-age, includeSubDomains and preload case-insensitively", () => {
  assert.deepEqual(parseHsts("max-age=31536000; includeSubDomains; Preload"), {
    valid: true,
    maxAge: 31536000,
    includeSubDomains: true,
    preload: true,
  });
  assert.deepEqual(parseHsts('MAX-AGE="600"'), {
    valid: true,
    maxAge: 600,
    includeSubDomains: false,
    preload: false,
  });
});

test("a missing max-age, a repeated directive or a non-numeric value invalidates the header", () => {
  assert.equal(parseHsts("includeSubDomains").valid, false);
  assert.equal(parseHsts("max-age=1; max-age=2").valid, false);
  assert.equal(parseHsts("max-age=abc").valid, false);
  assert.equal(parseHsts("max-age=-5").valid, false);
  assert.equal(parseHsts('max-age="12').valid, false);
});

test("unknown directives and empty segments are ignored, semicolons inside quotes do not split", () => {
  assert.deepEqual(parseHsts(';max-age=10;; foo="a;b"; '), {
    valid: true,
    maxAge: 10,
    includeSubDomains: false,
    preload: false,
  });
});

test("a value on includeSubDomains, or a value that is neither a token nor a quoted string, invalidates the header", () => {
  assert.deepEqual(parseHsts("max-age=63072000; includeSubDomains=true; preload"), {
    valid: false,
    error: "includeSubDomains takes no value",
  });
  assert.deepEqual(parseHsts("max-age=63072000; includeSubDomains; report-uri=https://x.test/r"), {
    valid: false,
    error: "the value of 'report-uri' is neither a token nor a quoted string",
  });
  assert.equal(parseHsts('max-age=63072000; report-uri="https://x.test/r"').valid, true);
  assert.equal(parseHsts("max-age=63072000; preload=yes").valid, true);
});
