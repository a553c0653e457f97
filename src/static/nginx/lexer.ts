/**
 * Tokenizer following nginx's own ngx_conf_read_token: words end at whitespace, `;` or `{`
 * (a `}` inside a word is literal), `#` starts a comment only where a token could start,
 * a quoted token must be followed by whitespace, `;`, `{` or `)`, and `${` does not open a block.
 * One pass over the text, no backtracking: linear time.
 */

export type TokenKind = "word" | ";" | "{" | "}" | "eof";

export interface LexError {
  line: number;
  message: string;
}

const SPACE = 0x20;
const TAB = 0x09;
const RETURN = 0x0d;
const NEWLINE = 0x0a;
const HASH = 0x23;
const SEMICOLON = 0x3b;
const OPEN = 0x7b;
const CLOSE = 0x7d;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;

const isWhitespace = (code: number) => code === SPACE || code === NEWLINE || code === TAB || code === RETURN;
/** Characters that neither end a word nor need a closer look (escapes, `${`). */
const PLAIN_WORD_RUN = /[^ \t\r\n;{\\$]+/y;
/** Longer words (paths, regexes) rarely repeat; the count bounds the table on generated input. */
const MAX_SHARED_WORD = 48;
const MAX_SHARED_WORDS = 50_000;

/** V8 makes a slice of 13 or more characters a view into the string it was cut from. */
const SHORTEST_VIEW = 13;

/**
 * A word that does not keep its file's whole text alive: a view into the text would hold every
 * megabyte of it for as long as the tree lives. Joining two pieces makes V8 copy the word into one
 * string of its own (a concatenation sliced again would be two objects).
 */
function detached(word: string): string {
  return word.length < SHORTEST_VIEW ? word : [word.slice(0, 1), word.slice(1)].join("");
}

/** nginx turns these escapes into characters; every other backslash stays as written. */
function unescape(raw: string): string {
  if (!raw.includes("\\")) return raw;
  let out = "";
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    const next = raw[i + 1];
    if (ch === "\\" && next !== undefined) {
      if (next === '"' || next === "'" || next === "\\") {
        out += next;
        i++;
        continue;
      }
      const control = next === "t" ? "\t" : next === "r" ? "\r" : next === "n" ? "\n" : undefined;
      if (control !== undefined) {
        out += control;
        i++;
        continue;
      }
    }
    out += ch;
  }
  return out;
}

/**
 * Reads one token per next() call. A token's line, and a word's value and quoting, are left in
 * fields rather than in an object per token: big configurations hold millions of words.
 */
export class Lexer {
  private pos = 0;
  private line = 1;
  readonly errors: LexError[] = [];
  /** The line the last token started on. */
  tokenLine = 1;
  /** The last word's value, unescaped (meaningful after next() returned "word"). */
  value = "";
  /** Whether the last word was quoted. */
  quoted = false;

  /**
   * One copy of each short word: directive names and values such as `$host` repeat thousands of
   * times in a big configuration, and each would otherwise be its own string in the tree.
   */
  private readonly words = new Map<string, string>();

  constructor(private readonly text: string) {}

  private keep(word: string): string {
    if (word.length > MAX_SHARED_WORD) return detached(word);
    const known = this.words.get(word);
    if (known !== undefined) return known;
    const kept = detached(word);
    if (this.words.size < MAX_SHARED_WORDS) this.words.set(kept, kept);
    return kept;
  }

  next(): TokenKind {
    const { text } = this;
    while (this.pos < text.length) {
      // Character codes, not one-character strings: this runs once per token of files of many megabytes.
      const code = text.charCodeAt(this.pos);
      if (isWhitespace(code)) {
        this.skipWhitespace();
        continue;
      }
      if (code === HASH) {
        this.skipToLineEnd();
        continue;
      }
      this.tokenLine = this.line;
      if (code === SEMICOLON || code === OPEN || code === CLOSE) {
        this.pos++;
        return code === SEMICOLON ? ";" : code === OPEN ? "{" : "}";
      }
      if (code === DOUBLE_QUOTE || code === SINGLE_QUOTE) this.readQuoted(text[this.pos]!);
      else this.readWord();
      return "word";
    }
    this.tokenLine = this.line;
    return "eof";
  }

  /**
   * Reads a `*_by_lua_block` body after its `{` up to the matching `}`, skipping braces inside
   * Lua strings and comments. Returns undefined (and records an error) at end of file.
   */
  readLuaBody(): string | undefined {
    const { text } = this;
    const start = this.pos;
    const startLine = this.line;
    let depth = 0;
    while (this.pos < text.length) {
      const ch = text[this.pos]!;
      if (ch === "\n") this.line++;
      if (ch === "{") depth++;
      else if (ch === "}") {
        if (depth === 0) {
          this.pos++;
          return text.slice(start, this.pos - 1);
        }
        depth--;
      } else if (ch === '"' || ch === "'") {
        this.pos++;
        this.skipQuoted(ch, true);
        continue;
      } else if (ch === "-" && text[this.pos + 1] === "-") {
        this.pos += 2;
        if (!this.skipLuaLongBracket()) this.skipToLineEnd();
        continue;
      } else if (ch === "[" && this.skipLuaLongBracket()) {
        continue;
      }
      this.pos++;
    }
    this.errors.push({
      line: this.line,
      message: `unexpected end of file in Lua block opened on line ${startLine}`,
    });
    return undefined;
  }

  /** Moves past a run of whitespace, counting its newlines. */
  private skipWhitespace(): void {
    const { text } = this;
    let pos = this.pos;
    for (; pos < text.length; pos++) {
      const code = text.charCodeAt(pos);
      if (code === NEWLINE) this.line++;
      else if (!isWhitespace(code)) break;
    }
    this.pos = pos;
  }

  private skipToLineEnd(): void {
    const end = this.text.indexOf("\n", this.pos);
    this.pos = end === -1 ? this.text.length : end;
  }

  /**
   * Moves past the rest of a quoted run (a backslash escapes any character, newlines included);
   * true when the closing quote was found. Lua short strings also end, unterminated, at a newline.
   */
  private skipQuoted(quote: string, endsAtNewline: boolean): boolean {
    const { text } = this;
    while (this.pos < text.length) {
      const ch = text[this.pos]!;
      if (ch === "\\") {
        if (text[this.pos + 1] === "\n") this.line++;
        this.pos += 2;
        continue;
      }
      if (ch === quote) {
        this.pos++;
        return true;
      }
      if (ch === "\n") {
        if (endsAtNewline) return false;
        this.line++;
      }
      this.pos++;
    }
    return false;
  }

  /** Skips `[[...]]` / `[==[...]==]` if one starts here; false (and nothing consumed) otherwise. */
  private skipLuaLongBracket(): boolean {
    const { text } = this;
    const open = /\[(=*)\[/y;
    open.lastIndex = this.pos;
    const match = open.exec(text);
    if (!match) return false;
    const close = `]${match[1]}]`;
    const end = text.indexOf(close, this.pos + match[0].length);
    const stop = end === -1 ? text.length : end + close.length;
    this.countLines(this.pos, stop);
    this.pos = stop;
    return true;
  }

  private countLines(from: number, to: number): void {
    for (let i = from; i < to; i++) if (this.text.charCodeAt(i) === NEWLINE) this.line++;
  }

  private readQuoted(quote: string): void {
    const line = this.line;
    const start = ++this.pos;
    this.quoted = true;
    if (this.skipQuoted(quote, false)) {
      this.value = this.keep(unescape(this.text.slice(start, this.pos - 1)));
      this.expectSeparator();
      return;
    }
    this.errors.push({
      line,
      message: `unexpected end of file in a ${quote === '"' ? "double" : "single"}-quoted string`,
    });
    this.value = unescape(this.text.slice(start));
  }

  /** nginx requires a separator after a closing quote; we report it and carry on as if one were there. */
  private expectSeparator(): void {
    const ch = this.text[this.pos];
    if (ch === undefined || isWhitespace(ch.charCodeAt(0)) || ch === ";" || ch === "{" || ch === ")") return;
    this.errors.push({ line: this.line, message: `unexpected "${ch}" after a quoted string` });
  }

  private readWord(): void {
    const { text } = this;
    const start = this.pos;
    while (this.pos < text.length) {
      PLAIN_WORD_RUN.lastIndex = this.pos;
      if (PLAIN_WORD_RUN.test(text)) this.pos = PLAIN_WORD_RUN.lastIndex;
      const ch = text[this.pos];
      if (ch === "\\") {
        if (text[this.pos + 1] === "\n") this.line++;
        this.pos += 2;
      } else if (ch === "$") {
        this.pos += text[this.pos + 1] === "{" ? 2 : 1;
      } else break;
    }
    this.value = this.keep(unescape(text.slice(start, Math.min(this.pos, text.length))));
    this.quoted = false;
  }
}
