/**
 * HAProxy configuration model and loader. HAProxy's format is line based: a section keyword opens a
 * section, every other line is a keyword with arguments. There is no line continuation (a trailing
 * backslash is an error in HAProxy), `#` starts a comment outside quotes, and quotes may sit inside a word.
 */
import { checkConfigText, readConfigSource, type LoadError, type Located } from "../caddy/config-source.js";
import { quoted } from "../../report/quote.js";

export type { LoadError, Located } from "../caddy/config-source.js";

/** One operand of a condition: a named ACL or an anonymous `{ fetch ... }` ACL, maybe negated with `!`. */
export interface HaproxyConditionTerm {
  negated: boolean;
  acl?: string;
  anonymous?: string[];
}

/** `if`/`unless` followed by terms: AND within an alternative, OR (`||`, `or`) between alternatives. */
export interface HaproxyCondition {
  polarity: "if" | "unless";
  alternatives: HaproxyConditionTerm[][];
}

export interface HaproxyDirective extends Located {
  keyword: string;
  /** Arguments before any `if`/`unless`, unquoted and unescaped. */
  args: string[];
  condition?: HaproxyCondition;
}

export const PROXY_SECTIONS = ["frontend", "backend", "listen"] as const;
const SECTION_KEYWORDS = new Set([
  "global",
  "defaults",
  ...PROXY_SECTIONS,
  "peers",
  "resolvers",
  "userlist",
  "cache",
  "program",
  "http-errors",
  "ring",
  "mailers",
  "fcgi-app",
  "crt-store",
  "traces",
]);

export interface HaproxySection extends Located {
  kind: string;
  name?: string;
  /** `from <defaults>` on the section line: the named defaults it inherits from. */
  from?: string;
  directives: HaproxyDirective[];
}

export interface HaproxyConfig {
  file: string;
  files: string[];
  sections: HaproxySection[];
  errors: LoadError[];
}

export interface HaproxyLoadOptions {
  /** Values for `"$VAR"` / `"${VAR}"` inside double quotes; unset variables stay as written. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Loads one file or several (like repeated `haproxy -f`), in order, into one configuration. */
export function loadHaproxyConfig(files: string | string[], options: HaproxyLoadOptions = {}): HaproxyConfig {
  const list = Array.isArray(files) ? files : [files];
  const config: HaproxyConfig = { file: list[0] ?? "", files: list, sections: [], errors: [] };
  for (const file of list) {
    const source = readConfigSource(file);
    if (source.ok) parseInto(config, source.text, file, options);
    else config.errors.push(source.error);
  }
  return config;
}

export function parseHaproxyConfig(
  text: string,
  file: string,
  options: HaproxyLoadOptions = {},
): HaproxyConfig {
  const config: HaproxyConfig = { file, files: [file], sections: [], errors: [] };
  const checked = checkConfigText(file, text);
  if (checked.ok) parseInto(config, checked.text, file, options);
  else config.errors.push(checked.error);
  return config;
}

function parseInto(config: HaproxyConfig, text: string, file: string, options: HaproxyLoadOptions): void {
  const env = options.env ?? {};
  let section: HaproxySection | undefined;
  let lineNumber = 0;
  for (const rawLine of text.split("\n")) {
    lineNumber++;
    const where = { file, line: lineNumber };
    const { words, error } = splitLine(rawLine, env);
    if (error) config.errors.push({ ...where, message: error });
    const [first, ...rest] = words;
    if (!first) continue;
    if (SECTION_KEYWORDS.has(first.text) && !first.quoted) {
      section = { ...where, kind: first.text, directives: [] };
      const fromAt = rest.findIndex((w) => w.text === "from" && !w.quoted);
      const nameWords = fromAt === -1 ? rest : rest.slice(0, fromAt);
      if (nameWords[0]) section.name = nameWords[0].text;
      if (fromAt !== -1 && rest[fromAt + 1]) section.from = rest[fromAt + 1]?.text;
      config.sections.push(section);
      continue;
    }
    if (!section) {
      config.errors.push({
        ...where,
        message: `${quoted(first.text)} appears before any section (global, defaults, frontend...)`,
      });
      continue;
    }
    const directive = toDirective(first.text, rest, where, config.errors);
    section.directives.push(directive);
  }
}

interface Word {
  text: string;
  quoted: boolean;
}

const ESCAPES: Record<string, string> = {
  n: "\n",
  r: "\r",
  t: "\t",
  " ": " ",
  "#": "#",
  "\\": "\\",
  '"': '"',
  "'": "'",
  $: "$",
};

/** HAProxy's word splitting: whitespace separates, quotes and backslash escapes join, `#` ends the line. */
function splitLine(
  line: string,
  env: Readonly<Record<string, string | undefined>>,
): { words: Word[]; error?: string } {
  const words: Word[] = [];
  let current = "";
  let inWord = false;
  let quoted = false;
  let quote: '"' | "'" | undefined;
  const endWord = () => {
    if (inWord) words.push({ text: current, quoted });
    current = "";
    inWord = false;
    quoted = false;
  };
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      else current += ch;
      continue;
    }
    if (ch === "\\" && quote !== undefined) {
      const next = line[i + 1];
      if (next !== undefined && next in ESCAPES) {
        current += ESCAPES[next];
        i++;
      } else {
        current += ch;
      }
      continue;
    }
    if (ch === "\\") {
      const next = line[i + 1];
      if (next === undefined || next === "\r")
        return { words, error: "trailing backslash: HAProxy has no line continuation" };
      // Any other backslash stays, as in regexes and back-references (`\.`, `\1`).
      current += ESCAPES[next] ?? `\\${next}`;
      inWord = true;
      i++;
      continue;
    }
    if (quote === '"') {
      if (ch === '"') {
        quote = undefined;
      } else if (ch === "$") {
        const variable = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/.exec(
          line.slice(i, i + 256),
        );
        const name = variable?.[1] ?? variable?.[2];
        const value = name === undefined ? undefined : env[name];
        current += value ?? (variable ? variable[0] : ch);
        if (variable) i += variable[0].length - 1;
      } else {
        current += ch;
      }
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
      quoted = true;
      continue;
    }
    if (ch === "#") break;
    if (ch === " " || ch === "\t" || ch === "\r") {
      endWord();
      continue;
    }
    current += ch;
    inWord = true;
  }
  if (quote) {
    endWord();
    return { words, error: `unterminated ${quote} quote` };
  }
  endWord();
  return { words };
}

function toDirective(keyword: string, words: Word[], where: Located, errors: LoadError[]): HaproxyDirective {
  const directive: HaproxyDirective = { ...where, keyword, args: [] };
  // ACL lines hold patterns, not conditions: a pattern may well be the word "if".
  const conditionAt =
    keyword === "acl" ? -1 : words.findIndex((w) => !w.quoted && (w.text === "if" || w.text === "unless"));
  const argWords = conditionAt === -1 ? words : words.slice(0, conditionAt);
  directive.args = argWords.map((w) => w.text);
  if (conditionAt !== -1) {
    const polarity = words[conditionAt]?.text === "unless" ? "unless" : "if";
    const parsed = parseCondition(words.slice(conditionAt + 1));
    if (typeof parsed === "string") errors.push({ ...where, message: parsed });
    else directive.condition = { polarity, alternatives: parsed };
  }
  return directive;
}

function parseCondition(words: Word[]): HaproxyConditionTerm[][] | string {
  const alternatives: HaproxyConditionTerm[][] = [[]];
  let negated = false;
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as Word;
    const current = alternatives.at(-1) as HaproxyConditionTerm[];
    if (!word.quoted && (word.text === "||" || word.text === "or")) {
      if (current.length === 0) return "condition has an empty side of '||'";
      alternatives.push([]);
      continue;
    }
    if (!word.quoted && (word.text === "&&" || word.text === "and")) continue;
    if (!word.quoted && word.text === "!") {
      negated = !negated;
      continue;
    }
    if (!word.quoted && word.text === "!{") negated = !negated;
    if (!word.quoted && (word.text === "{" || word.text === "!{")) {
      let close = i + 1;
      while (close < words.length && (words[close]?.quoted || words[close]?.text !== "}")) close++;
      if (close === words.length) return "anonymous ACL '{' has no closing '}'";
      const inside = words.slice(i + 1, close).map((w) => w.text);
      if (inside.length === 0) return "anonymous ACL '{ }' is empty";
      current.push({ negated, anonymous: inside });
      negated = false;
      i = close;
      continue;
    }
    const text = !word.quoted && word.text.startsWith("!") ? word.text.slice(1) : word.text;
    current.push({ negated: negated !== (text !== word.text), acl: text });
    negated = false;
  }
  if ((alternatives.at(-1) ?? []).length === 0) return "condition after if/unless is missing or incomplete";
  return alternatives;
}
