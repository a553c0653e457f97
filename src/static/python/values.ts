/** Helpers over statically known Python values: repr, truthiness, equality, reporting. */
import type { PossibleValue, PyValue } from "./settings-model.js";

export const NONE: PyValue = { kind: "none" };
export const str = (value: string): PyValue => ({ kind: "str", value });
export const bool = (value: boolean): PyValue => ({ kind: "bool", value });
export const int = (value: number): PyValue => ({ kind: "int", value });
export const unknown = (reason: string): PossibleValue => ({ kind: "unknown", reason });

function reprString(value: string): string {
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  const escaped = value
    .replace(/\\/g, "\\\\")
    .replace(/\n/g, "\\n")
    .replace(/\t/g, "\\t")
    .replace(new RegExp(quote, "g"), `\\${quote}`);
  return `${quote}${escaped}${quote}`;
}

/** Python-like source text of a value, for messages. Env values read "$NAME (default ...)". */
export function repr(value: PossibleValue): string {
  switch (value.kind) {
    case "none":
      return "None";
    case "bool":
      return value.value ? "True" : "False";
    case "int":
      return String(value.value);
    case "float":
      return Number.isInteger(value.value) ? `${value.value}.0` : String(value.value);
    case "str":
      return reprString(value.value);
    case "list":
      return `[${value.items.map(repr).join(", ")}]`;
    case "tuple":
      return value.items.length === 1
        ? `(${repr(value.items[0]!)},)`
        : `(${value.items.map(repr).join(", ")})`;
    case "dict":
      return `{${value.entries.map((e) => `${repr(e.key)}: ${repr(e.value)}`).join(", ")}}`;
    case "env":
      return value.default === undefined ? `$${value.env}` : `$${value.env} (default ${repr(value.default)})`;
    case "unknown":
      return `<unknown: ${value.reason}>`;
    case "unset":
      return "<not set>";
  }
}

/** "ALLOWED_HOSTS from $ALLOWED_HOSTS, default ['*']" or "ALLOWED_HOSTS = ['*']". */
export function describe(name: string, value: PossibleValue): string {
  if (value.kind === "env") {
    const fallback = value.default === undefined ? "no default" : `default ${repr(value.default)}`;
    return `${name} from $${value.env}, ${fallback}`;
  }
  if (value.kind === "unknown") return `${name} is unknown (${value.reason})`;
  if (value.kind === "unset") return `${name} is not set`;
  return `${name} = ${repr(value)}`;
}

/** Python truthiness, or undefined when it cannot be known statically. */
export function truthy(value: PossibleValue): boolean | undefined {
  switch (value.kind) {
    case "none":
      return false;
    case "bool":
      return value.value;
    case "int":
    case "float":
      return value.value !== 0;
    case "str":
      return value.value.length > 0;
    case "list":
    case "tuple":
      return value.items.length > 0;
    case "dict":
      return value.entries.length > 0;
    default:
      return undefined;
  }
}

/** Python ==, or undefined when either side is not fully known. */
export function pyEquals(a: PossibleValue, b: PossibleValue): boolean | undefined {
  const numeric = (v: PossibleValue): number | undefined =>
    v.kind === "int" || v.kind === "float" ? v.value : v.kind === "bool" ? Number(v.value) : undefined;
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined && nb !== undefined) return na === nb;
  if (!isKnown(a) || !isKnown(b)) return undefined;
  if (a.kind !== b.kind) return false;
  if (a.kind === "str" && b.kind === "str") return a.value === b.value;
  if (a.kind === "none") return true;
  if ((a.kind === "list" || a.kind === "tuple") && (b.kind === "list" || b.kind === "tuple")) {
    if (a.items.length !== b.items.length) return false;
    let all: boolean | undefined = true;
    a.items.forEach((item, i) => {
      const same = pyEquals(item, b.items[i]!);
      if (same === false) all = false;
      else if (same === undefined && all) all = undefined;
    });
    return all;
  }
  return undefined;
}

/** True when the value holds no env, unknown or unset part anywhere. */
function isKnown(value: PossibleValue): value is PyValue {
  switch (value.kind) {
    case "env":
    case "unknown":
    case "unset":
      return false;
    case "list":
    case "tuple":
      return value.items.every(isKnown);
    case "dict":
      return value.entries.every((e) => isKnown(e.key) && isKnown(e.value));
    default:
      return true;
  }
}

/** The string items of a list or tuple value; undefined for anything else. */
export function itemsOf(value: PossibleValue): PossibleValue[] | undefined {
  return value.kind === "list" || value.kind === "tuple" ? value.items : undefined;
}
