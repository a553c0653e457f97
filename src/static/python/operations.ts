/**
 * Python operations on statically known values: operators, builtins, str/list/dict methods.
 * An operand read from the environment is "lifted": the operation runs once on its default
 * (what the result is when the variable is unset) and once on a sample of its cast (to learn
 * what the result is when it is set), so `os.getenv("X", "*").split(",")` stays an env value
 * with default ['*'] and cast list.
 */
import type { EnvCast, EnvValue, PossibleValue, PyValue } from "./settings-model.js";
import {
  type Alternatives,
  type Value,
  MAX_ITEMS,
  MAX_STRING,
  asData,
  charge,
  isData,
  isEnv,
} from "./internal.js";
import { NONE, bool, int, itemsOf, pyEquals, str, truthy, unknown } from "./values.js";

const SAMPLES: Record<EnvCast, PyValue> = {
  none: str("1"),
  str: str("1"),
  bool: bool(true),
  int: int(1),
  list: { kind: "list", items: [str("1")] },
};

function castOf(result: Value, inputCast: EnvCast): EnvCast | undefined {
  switch (result.kind) {
    case "str":
      return inputCast === "str" ? "str" : "none";
    case "bool":
      return "bool";
    case "int":
    case "float":
      return "int";
    case "list":
    case "tuple":
      return "list";
    default:
      return undefined;
  }
}

/** Runs `op` with env operands replaced by their default, then by a sample of their cast. */
export function liftEnv(args: Value[], op: (args: Value[]) => Alternatives): Alternatives {
  const envs = args.filter(isEnv);
  const first = envs[0];
  if (!first) return op(args);
  const names = [...new Set(envs.map((e) => e.env))];
  if (names.length > 1) return [unknown(`depends on ${names.map((n) => `$${n}`).join(" and ")}`)];
  const sampled = op(args.map((a) => (isEnv(a) ? SAMPLES[a.cast] : a)));
  const cast = sampled.length === 1 && sampled[0] ? castOf(sampled[0], first.cast) : undefined;
  if (!cast) return [unknown(`cannot tell what $${first.env} becomes here`)];
  const defaultsKnown = envs.every((e) => e.default !== undefined);
  if (!defaultsKnown) return [{ kind: "env", env: first.env, cast }];
  const defaults = op(args.map((a) => (isEnv(a) ? a.default! : a)));
  return defaults.map((d): EnvValue => {
    const data = asData(d);
    return data.kind === "unknown"
      ? { kind: "env", env: first.env, cast }
      : { kind: "env", env: first.env, cast, default: data };
  });
}

function tooLarge(value: PyValue): PossibleValue {
  charge(value.kind === "str" ? value.value.length >> 4 : (itemsOf(value)?.length ?? 0));
  if (value.kind === "str" && value.value.length > MAX_STRING) return unknown("string too large to follow");
  const items = itemsOf(value);
  if (items && items.length > MAX_ITEMS) return unknown("list too large to follow");
  return value;
}

function numberOf(v: Value): number | undefined {
  if (v.kind === "int" || v.kind === "float") return v.value;
  if (v.kind === "bool") return Number(v.value);
  return undefined;
}

function numeric(result: number, a: Value, b: Value): PossibleValue {
  if (!Number.isFinite(result)) return unknown("arithmetic overflow");
  return a.kind === "float" || b.kind === "float" || !Number.isInteger(result)
    ? { kind: "float", value: result }
    : int(result);
}

function repeat(seq: Value, times: Value): PossibleValue | undefined {
  const n = numberOf(times);
  if (n === undefined || times.kind === "float") return undefined;
  const count = Math.max(0, n);
  if (seq.kind === "str") {
    return seq.value.length * count > MAX_STRING
      ? unknown("string too large to follow")
      : str(seq.value.repeat(count));
  }
  if (seq.kind === "list" || seq.kind === "tuple") {
    if (seq.items.length * count > MAX_ITEMS) return unknown("list too large to follow");
    return { kind: seq.kind, items: Array.from({ length: count }, () => seq.items).flat() };
  }
  return undefined;
}

/** Arithmetic and concatenation: + - * / // % ** | */
export function binaryOp(operator: string, left: Value, right: Value): Alternatives {
  return liftEnv([left, right], ([a, b]) => [arithmetic(operator, a!, b!)]);
}

function arithmetic(operator: string, a: Value, b: Value): PossibleValue {
  if (a.kind === "unknown") return a;
  if (b.kind === "unknown") return b;
  if (operator === "+") {
    if (a.kind === "str" && b.kind === "str") return tooLarge(str(a.value + b.value));
    if ((a.kind === "list" || a.kind === "tuple") && a.kind === b.kind) {
      return tooLarge({ kind: a.kind, items: [...a.items, ...b.items] });
    }
  }
  if (operator === "|" && a.kind === "dict" && b.kind === "dict") return dictUpdate(a, b);
  if (operator === "*") {
    const repeated = repeat(a, b) ?? repeat(b, a);
    if (repeated) return repeated;
  }
  if (operator === "%" && a.kind === "str") return unknown("%-formatted string");
  const x = numberOf(a);
  const y = numberOf(b);
  if (x === undefined || y === undefined) return unknown(`${a.kind} ${operator} ${b.kind}`);
  switch (operator) {
    case "+":
      return numeric(x + y, a, b);
    case "-":
      return numeric(x - y, a, b);
    case "*":
      return numeric(x * y, a, b);
    case "/":
      return y === 0 ? unknown("division by zero") : { kind: "float", value: x / y };
    case "//":
      return y === 0 ? unknown("division by zero") : numeric(Math.floor(x / y), a, b);
    case "%":
      return y === 0 ? unknown("division by zero") : numeric(((x % y) + y) % y, a, b);
    case "**":
      return numeric(x ** y, a, b);
    default:
      return unknown(`operator ${operator}`);
  }
}

function contains(container: Value, item: Value): boolean | undefined {
  if (container.kind === "str" && item.kind === "str") return container.value.includes(item.value);
  const items =
    container.kind === "dict"
      ? container.entries.map((e) => e.key)
      : isData(container)
        ? itemsOf(container)
        : undefined;
  if (!items) return undefined;
  let undecided = false;
  for (const candidate of items) {
    const same = pyEquals(candidate, asData(item));
    if (same === true) return true;
    if (same === undefined) undecided = true;
  }
  return undecided ? undefined : false;
}

function order(operator: string, a: Value, b: Value): boolean | undefined {
  const x = numberOf(a) ?? (a.kind === "str" ? a.value : undefined);
  const y = numberOf(b) ?? (b.kind === "str" ? b.value : undefined);
  if (x === undefined || y === undefined || typeof x !== typeof y) return undefined;
  if (operator === "<") return x < y;
  if (operator === ">") return x > y;
  if (operator === "<=") return x <= y;
  return x >= y;
}

/** == != < > <= >= in, not in, is, is not. */
export function compare(operator: string, left: Value, right: Value): Alternatives {
  if (operator === "in" && right.kind === "ref" && right.path === "os.environ" && left.kind === "str") {
    return [{ kind: "env", env: left.value, cast: "bool", default: bool(false) }];
  }
  if (operator === "not in" && right.kind === "ref" && right.path === "os.environ" && left.kind === "str") {
    return [{ kind: "env", env: left.value, cast: "bool", default: bool(true) }];
  }
  return liftEnv([left, right], ([a, b]) => {
    let result: boolean | undefined;
    switch (operator) {
      case "==":
      case "is":
        result = pyEquals(asData(a!), asData(b!));
        break;
      case "!=":
      case "is not": {
        const same = pyEquals(asData(a!), asData(b!));
        result = same === undefined ? undefined : !same;
        break;
      }
      case "in":
        result = contains(b!, a!);
        break;
      case "not in": {
        const inside = contains(b!, a!);
        result = inside === undefined ? undefined : !inside;
        break;
      }
      default:
        result = order(operator, a!, b!);
    }
    return [result === undefined ? unknown(`comparison ${operator}`) : bool(result)];
  });
}

export function unaryOp(operator: string, operand: Value): Alternatives {
  return liftEnv([operand], ([v]) => {
    if (operator === "not") {
      const t = truthy(asData(v!));
      return [t === undefined ? unknown("not of an unknown value") : bool(!t)];
    }
    const n = numberOf(v!);
    if (n === undefined) return [unknown(`unary ${operator}`)];
    return [operator === "-" ? numeric(-n, v!, v!) : operator === "+" ? numeric(n, v!, v!) : int(~n)];
  });
}

/** Python's str() of a scalar. */
export function toStr(v: Value): PossibleValue {
  switch (v.kind) {
    case "str":
      return v;
    case "none":
      return str("None");
    case "bool":
      return str(v.value ? "True" : "False");
    case "int":
      return str(String(v.value));
    case "float":
      return str(Number.isInteger(v.value) ? `${v.value}.0` : String(v.value));
    default:
      return unknown(`str() of ${v.kind}`);
  }
}

function toInt(v: Value): PossibleValue {
  if (v.kind === "str" && /^\s*[-+]?\d[\d_]*\s*$/.test(v.value))
    return int(Number(v.value.replace(/_/g, "")));
  if (v.kind === "float") return int(Math.trunc(v.value));
  const n = numberOf(v);
  return n === undefined
    ? unknown(`int() of ${v.kind === "str" ? JSON.stringify(v.value) : v.kind}`)
    : int(n);
}

/** strtobool-style parsing, as the common helpers do it. */
export function parseBool(v: Value): PossibleValue {
  if (v.kind === "bool") return v;
  if (v.kind === "int") return bool(v.value !== 0);
  if (v.kind === "none") return bool(false);
  if (v.kind !== "str") return unknown(`boolean of ${v.kind}`);
  const text = v.value.trim().toLowerCase();
  if (["y", "yes", "t", "true", "on", "1"].includes(text)) return bool(true);
  if (["n", "no", "f", "false", "off", "0", ""].includes(text)) return bool(false);
  return unknown(`${JSON.stringify(v.value)} is not a boolean`);
}

function toSequence(kind: "list" | "tuple", v: Value): PossibleValue {
  if (v.kind === "list" || v.kind === "tuple") return { kind, items: v.items };
  if (v.kind === "str") return tooLarge({ kind, items: [...v.value].map(str) });
  if (v.kind === "dict") return { kind, items: v.entries.map((e) => e.key) };
  return unknown(`${kind}() of ${v.kind}`);
}

function filterNone(v: Value): PossibleValue {
  const items = isData(v) ? itemsOf(v) : undefined;
  if (!items) return unknown(`filter() of ${v.kind}`);
  const kept: PossibleValue[] = [];
  for (const item of items) {
    const t = truthy(item);
    if (t === undefined) return unknown("filter() over values not known statically");
    if (t) kept.push(item);
  }
  return { kind: "list", items: kept };
}

/** Builtins applied to one argument (the only shapes settings files use). */
export function callBuiltin(name: string, args: Value[]): Alternatives {
  if (name === "filter" && args.length === 2 && args[0]!.kind === "none") {
    return liftEnv([args[1]!], ([v]) => [filterNone(v!)]);
  }
  if (args.length === 0) {
    const empty: Record<string, PossibleValue> = {
      str: str(""),
      int: int(0),
      bool: bool(false),
      list: { kind: "list", items: [] },
      tuple: { kind: "tuple", items: [] },
      dict: { kind: "dict", entries: [] },
    };
    return [empty[name] ?? unknown(`call to ${name}()`)];
  }
  if (args.length !== 1) return [unknown(`call to ${name}() with ${args.length} arguments`)];
  if (args[0]!.kind === "unknown") return [args[0]!];
  return liftEnv(args, ([v]) => {
    switch (name) {
      case "str":
        return [toStr(v!)];
      case "int":
        return [toInt(v!)];
      case "float": {
        const n = v!.kind === "str" ? Number(v!.value) : numberOf(v!);
        return [n === undefined || Number.isNaN(n) ? unknown("float()") : { kind: "float", value: n }];
      }
      case "bool": {
        const t = truthy(asData(v!));
        return [t === undefined ? unknown("bool() of an unknown value") : bool(t)];
      }
      case "list":
      case "tuple":
      case "sorted":
        return [toSequence(name === "tuple" ? "tuple" : "list", v!)];
      case "len": {
        const items = isData(v!) ? itemsOf(v!) : undefined;
        return [v!.kind === "str" ? int(v!.value.length) : items ? int(items.length) : unknown("len()")];
      }
      default:
        return [unknown(`call to ${name}()`)];
    }
  });
}

function pySplit(text: string, sep: string | undefined, maxsplit: number): string[] {
  if (sep === undefined) {
    const words = text.trim().split(/\s+/).filter(Boolean);
    if (maxsplit < 0 || words.length <= maxsplit) return words;
    const parts = words.slice(0, maxsplit);
    let rest = text.trim();
    for (const p of parts) rest = rest.slice(rest.indexOf(p) + p.length).trimStart();
    return [...parts, rest];
  }
  const parts = text.split(sep);
  if (maxsplit < 0 || parts.length <= maxsplit + 1) return parts;
  return [...parts.slice(0, maxsplit), parts.slice(maxsplit).join(sep)];
}

function stripChars(text: string, chars: string | undefined, side: "both" | "left" | "right"): string {
  const set = chars ?? " \t\n\r\f\v";
  let start = 0;
  let end = text.length;
  if (side !== "right") while (start < end && set.includes(text[start]!)) start++;
  if (side !== "left") while (end > start && set.includes(text[end - 1]!)) end--;
  return text.slice(start, end);
}

function optionalString(v: Value | undefined): string | undefined | null {
  if (v === undefined || v.kind === "none") return undefined;
  return v.kind === "str" ? v.value : null;
}

function strMethod(text: string, method: string, args: Value[]): PossibleValue {
  const [first, second] = args;
  const s1 = optionalString(first);
  switch (method) {
    case "lower":
    case "casefold":
      return str(text.toLowerCase());
    case "upper":
      return str(text.toUpperCase());
    case "strip":
    case "lstrip":
    case "rstrip":
      if (s1 === null) break;
      return str(stripChars(text, s1, method === "strip" ? "both" : method === "lstrip" ? "left" : "right"));
    case "split": {
      const max = second === undefined ? -1 : numberOf(second);
      if (s1 === null || max === undefined || s1 === "") break;
      return tooLarge({ kind: "list", items: pySplit(text, s1, max).map(str) });
    }
    case "replace":
      if (first?.kind !== "str" || second?.kind !== "str") break;
      return tooLarge(str(text.split(first.value).join(second.value)));
    case "startswith":
    case "endswith": {
      const options = first?.kind === "str" ? [first] : first && isData(first) ? itemsOf(first) : undefined;
      if (!options?.every((o) => o.kind === "str")) break;
      const test = (o: PossibleValue) =>
        o.kind === "str" && (method === "startswith" ? text.startsWith(o.value) : text.endsWith(o.value));
      return bool(options.some(test));
    }
    case "removeprefix":
      if (first?.kind !== "str") break;
      return str(text.startsWith(first.value) ? text.slice(first.value.length) : text);
    case "removesuffix":
      if (first?.kind !== "str") break;
      return str(first.value && text.endsWith(first.value) ? text.slice(0, -first.value.length) : text);
    case "join": {
      const items = first && isData(first) ? itemsOf(first) : undefined;
      if (!items?.every((i) => i.kind === "str")) break;
      return tooLarge(str(items.map((i) => (i.kind === "str" ? i.value : "")).join(text)));
    }
    case "isdigit":
      return bool(/^\d+$/.test(text));
  }
  return unknown(`str.${method}() here`);
}

type DictValue = Extract<PyValue, { kind: "dict" }>;

function dictGet(dict: DictValue, key: Value): PossibleValue | undefined {
  for (let i = dict.entries.length - 1; i >= 0; i--) {
    const entry = dict.entries[i]!;
    const same = pyEquals(entry.key, asData(key));
    if (same === true) return entry.value;
    if (same === undefined) return unknown("dict key not known statically");
  }
  return undefined;
}

/** `value[index]` for dicts, lists, tuples and strings. */
export function subscript(container: Value, index: Value): Alternatives {
  return liftEnv([container, index], ([c, i]) => {
    if (c!.kind === "dict")
      return [dictGet(c!, i!) ?? unknown(`key ${JSON.stringify(asData(i!))} not in the dict`)];
    const n = numberOf(i!);
    const seq = c!.kind === "str" ? [...c!.value].map(str) : isData(c!) ? itemsOf(c!) : undefined;
    if (!seq || n === undefined) return [unknown(`subscript of ${c!.kind}`)];
    return [seq[n < 0 ? seq.length + n : n] ?? unknown("index out of range")];
  });
}

/** Non-mutating method calls: str methods, dict.get, copy. */
export function callMethod(target: Value, method: string, args: Value[]): Alternatives {
  if (target.kind === "unknown") return [target];
  return liftEnv([target, ...args], ([t, ...rest]) => {
    if (t!.kind === "str") return [strMethod(t!.value, method, rest)];
    if (t!.kind === "dict" && method === "get")
      return [dictGet(t!, rest[0] ?? NONE) ?? asData(rest[1] ?? NONE)];
    if ((t!.kind === "dict" || t!.kind === "list") && method === "copy") return [t!];
    return [unknown(`${t!.kind}.${method}()`)];
  });
}

/** The dict with `key` set: an equal key is replaced in place, as Python does. */
function withEntry(dict: DictValue, key: PossibleValue, value: PossibleValue): DictValue {
  const index = dict.entries.findIndex((e) => pyEquals(e.key, key) === true);
  if (index < 0) return { kind: "dict", entries: [...dict.entries, { key, value }] };
  return { kind: "dict", entries: dict.entries.map((e, i) => (i === index ? { key: e.key, value } : e)) };
}

function dictUpdate(base: DictValue, extra: Value): PossibleValue {
  if (extra.kind !== "dict") return unknown(`dict.update() with ${extra.kind}`);
  return extra.entries.reduce((acc, e) => withEntry(acc, e.key, e.value), base);
}

function listInsert(items: PossibleValue[], at: number, item: PossibleValue): PossibleValue[] {
  const index = at < 0 ? Math.max(0, items.length + at) : Math.min(at, items.length);
  return [...items.slice(0, index), item, ...items.slice(index)];
}

/** Methods that change their object in place (MIDDLEWARE.append(...)): the new value. */
export const MUTATING_METHODS = new Set([
  "append",
  "extend",
  "insert",
  "remove",
  "update",
  "setdefault",
  "clear",
  "pop",
]);

export function mutate(target: Value, method: string, args: Value[]): Alternatives {
  return liftEnv([target, ...args], ([t, ...rest]) => {
    const [a, b] = rest.map(asData);
    if (t!.kind === "list") {
      if (method === "append" && a) return [tooLarge({ kind: "list", items: [...t!.items, a] })];
      const more = a ? itemsOf(a) : undefined;
      if (method === "extend" && more) return [tooLarge({ kind: "list", items: [...t!.items, ...more] })];
      const at = a ? numberOf(a) : undefined;
      if (method === "insert" && at !== undefined && b)
        return [{ kind: "list", items: listInsert(t!.items, at, b) }];
      if (method === "remove" && a) {
        const index = t!.items.findIndex((item) => pyEquals(item, a) !== false);
        if (index >= 0 && pyEquals(t!.items[index]!, a) === true) {
          return [{ kind: "list", items: t!.items.filter((_, i) => i !== index) }];
        }
      }
      if (method === "clear") return [{ kind: "list", items: [] }];
    }
    if (t!.kind === "dict") {
      if (method === "update" && a) return [dictUpdate(t!, a)];
      if (method === "setdefault" && a) {
        const present = dictGet(t!, a);
        return [present ? t! : withEntry(t!, a, b ?? NONE)];
      }
      if (method === "clear") return [{ kind: "dict", entries: [] }];
    }
    return [unknown(`changed by ${t!.kind}.${method}()`)];
  });
}

/** `container[key] = value`: the new container. */
export function setItem(container: Value, key: Value, value: Value): Alternatives {
  return liftEnv([container, key], ([c, k]) => {
    const item = asData(value);
    if (c!.kind === "dict") return [withEntry(c!, asData(k!), item)];
    const n = numberOf(k!);
    if (c!.kind === "list" && n !== undefined) {
      const index = n < 0 ? c!.items.length + n : n;
      if (index >= 0 && index < c!.items.length) {
        return [{ kind: "list", items: c!.items.map((old, i) => (i === index ? item : old)) }];
      }
    }
    return [unknown(`item assignment on ${c!.kind}`)];
  });
}
