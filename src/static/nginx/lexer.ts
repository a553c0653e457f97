/**
 * Tokenizer following nginx's own ngx_conf_read_token: words end at whitespace, `;` or `{`
 * (a `}` inside a word is literal), `#` starts a comment only where a token could start,
 * a quoted token must be followed by whitespace, `;`, `{` or `)`, and `${` does not open a block.
 * One pass over the text, no backtracking: linear time.
 */

export type Token =
  | { kind: "word"; value: string; line: number; quoted: boolean }
  | { kind: ";" | "{" | "}"; line: number }
  | { kind: "eof"; line: number };

export interface LexError {
  line: number;
  message: string;
}

const WHITESPACE = new Set([" ", "\t", "\r", "\n"]);
/** Characters that neither end a word nor need a closer look (escapes, `${`). */
const PLAIN_WORD_RUN = /[^ \t\r\n;{\\$]+/y;

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

export class Lexer {
  private pos = 0;
  private line = 1;
  readonly errors: LexError[] = [];

  constructor(private readonly text: string) {}

  next(): Token {
    const { text } = this;
    while (this.pos < text.length) {
      const ch = text[this.pos]!;
      if (WHITESPACE.has(ch)) {
        if (ch === "\n") this.line++;
        this.pos++;
        continue;
      }
      if (ch === "#") {
        this.skipToLineEnd();
        continue;
      }
      if (ch === ";" || ch === "{" || ch === "}") {
        this.pos++;
        return { kind: ch, line: this.line };
      }
      if (ch === '"' || ch === "'") return this.readQuoted(ch);
      return this.readWord();
    }
    return { kind: "eof", line: this.line };
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
    for (let i = from; i < to; i++) if (this.text.charCodeAt(i) === 10) this.line++;
  }

  private readQuoted(quote: string): Token {
    const line = this.line;
    const start = ++this.pos;
    if (this.skipQuoted(quote, false)) {
      const value = unescape(this.text.slice(start, this.pos - 1));
      this.expectSeparator();
      return { kind: "word", value, line, quoted: true };
    }
    this.errors.push({
      line,
      message: `unexpected end of file in a ${quote === '"' ? "double" : "single"}-quoted string`,
    });
    return { kind: "word", value: unescape(this.text.slice(start)), line, quoted: true };
  }

  /** nginx requires a separator after a closing quote; we report it and carry on as if one were there. */
  private expectSeparator(): void {
    const ch = this.text[this.pos];
    if (ch === undefined || WHITESPACE.has(ch) || ch === ";" || ch === "{" || ch === ")") return;
    this.errors.push({ line: this.line, message: `unexpected "${ch}" after a quoted string` });
  }

  private readWord(): Token {
    const { text } = this;
    const line = this.line;
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
    return {
      kind: "word",
      value: unescape(text.slice(start, Math.min(this.pos, text.length))),
      line,
      quoted: false,
    };
  }
}
