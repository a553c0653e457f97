/** Decoding of Python string and number literals as written in source. */
import type { PossibleValue } from "./settings-model.js";
import { unknown } from "./values.js";

const SIMPLE_ESCAPES: Record<string, string> = {
  n: "\n",
  t: "\t",
  r: "\r",
  "\\": "\\",
  "'": "'",
  '"': '"',
  "0": "\0",
  a: "\x07",
  b: "\b",
  f: "\f",
  v: "\v",
  "\n": "",
};

export function unescape(body: string): string {
  return body.replace(
    /\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[\s\S])/g,
    (whole, code: string) => {
      if (code.length > 1) return String.fromCodePoint(parseInt(code.slice(1), 16));
      return SIMPLE_ESCAPES[code] ?? whole;
    },
  );
}

/** A plain (non-f) string literal token, prefixes and triple quotes included. */
export function decodeString(token: string): PossibleValue {
  const prefix = /^[a-zA-Z]*/.exec(token)![0].toLowerCase();
  if (prefix.includes("f")) return unknown("f-string");
  const rest = token.slice(prefix.length);
  const quote = rest.startsWith('"""') || rest.startsWith("'''") ? rest.slice(0, 3) : rest.slice(0, 1);
  if (!quote || !rest.endsWith(quote) || rest.length < quote.length * 2) {
    return unknown("unterminated string literal");
  }
  const body = rest.slice(quote.length, rest.length - quote.length);
  return { kind: "str", value: prefix.includes("r") ? body : unescape(body) };
}

export function decodeNumber(token: string): PossibleValue {
  const text = token.replace(/_/g, "").toLowerCase();
  if (text.endsWith("j")) return unknown(`complex number ${token}`);
  if (/^0[xob]/.test(text)) {
    const radix = text[1] === "x" ? 16 : text[1] === "o" ? 8 : 2;
    return { kind: "int", value: parseInt(text.slice(2), radix) };
  }
  if (/^\d+$/.test(text)) return { kind: "int", value: Number(text) };
  const value = Number(text);
  return Number.isNaN(value) ? unknown(`number ${token}`) : { kind: "float", value };
}
