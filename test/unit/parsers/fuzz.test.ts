/**
 * Property tests for the parsers that read what hostile servers send: random and mutated
 * inputs never throw, and a header 16 times longer never costs anything like 16² times more.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { setCookies } from "../../../src/parsers/cookies.js";
import { parseHsts } from "../../../src/parsers/hsts.js";
import { csrfForms, pageTitle } from "../../../src/parsers/html-forms.js";
import { fastestMs } from "../fastest.js";

const RUNS = { numRuns: 10_000 };

/** Strings built from the characters each grammar cares about, so mutations hit the edge cases. */
const grammarish = (alphabet: string[]) =>
  fc
    .array(fc.oneof(fc.constantFrom(...alphabet), fc.string()), { maxLength: 40 })
    .map((parts) => parts.join(""));

test("HSTS: any header value parses to a policy or an error, never a throw", () => {
  const hsts = grammarish([
    "max-age=",
    "31536000",
    ";",
    '"',
    "\\",
    "includeSubDomains",
    "preload",
    " ",
    "=",
    "MAX-AGE",
  ]);
  fc.assert(
    fc.property(hsts, (value) => {
      const policy = parseHsts(value);
      if (policy.valid) assert.ok(Number.isSafeInteger(policy.maxAge) || policy.maxAge > 0);
      else assert.ok(policy.error.length > 0);
    }),
    RUNS,
  );
});

test("Set-Cookie: any header line parses without a throw, one cookie per line at most", () => {
  const cookie = grammarish([
    "sessionid=",
    "; ",
    "Secure",
    "HttpOnly",
    "SameSite=",
    "Expires=Wed, 21 Oct 2015",
    ",",
    "=",
    "\u0000",
    "__Host-",
  ]);
  fc.assert(
    fc.property(fc.array(cookie, { maxLength: 5 }), (lines) => {
      const parsed = setCookies(lines.map((line) => ["Set-Cookie", line] as [string, string]));
      assert.ok(parsed.length <= lines.length);
    }),
    RUNS,
  );
});

test("HTML forms: any page yields forms with tokens, never a throw", () => {
  const html = grammarish([
    "<form method=post>",
    "</form>",
    "<input name=csrfmiddlewaretoken value=",
    '"',
    "'",
    ">",
    "<title>",
    "</title>",
    "&amp;",
  ]);
  fc.assert(
    fc.property(html, (page) => {
      for (const form of csrfForms(page)) assert.ok(form.token.length > 0);
      pageTitle(page);
    }),
    RUNS,
  );
});

test("adversarial inputs grow linearly: 128 times the input costs far less than 128² times the time", () => {
  const shapes: [string, (n: number) => () => void][] = [
    ["HSTS of many semicolons", (n) => () => parseHsts(";".repeat(n) + "max-age=1")],
    ["HSTS of an unterminated quote", (n) => () => parseHsts(`max-age=1; x="${"\\a".repeat(n)}`)],
    ["an unclosed form", (n) => () => csrfForms(`<form method=post>${"<input a=b ".repeat(n)}`)],
    ["nested form openings", (n) => () => csrfForms("<form method=post>".repeat(n))],
    ["a title never closed", (n) => () => pageTitle(`<title>${"x".repeat(n)}`)],
  ];
  for (const [name, make] of shapes) {
    // 128x the input: linear is x128, quadratic x16384. The bound, x2048, leaves room for what a loaded
    // machine does to either side: a small input already optimised by earlier tests, a large one paying for GC.
    const small = fastestMs(make(1_000), 8);
    const large = fastestMs(make(128_000), 3);
    assert.ok(large < small * 128 * 16, `${name}: ${small.toFixed(3)} ms -> ${large.toFixed(3)} ms`);
  }
});
