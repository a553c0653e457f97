/** Caddyfile tokenizer: one pass over the text, linear in its length. */
import type { LoadError } from "./config-source.js";

export interface CaddyToken {
  text: string;
  file: string;
  line: number;
  /** First token of a logical line: directives and their arguments end where the next line starts. */
  startsLine: boolean;
  /** Quoted, backtick or heredoc text: never a brace or a directive keyword. */
  quoted: boolean;
}

export interface LexResult {
  tokens: CaddyToken[];
  errors: LoadError[];
}

/** `{$NAME}` or `{$NAME:default}`: replaced from the given environment, else the default, else kept as written. */
const ENV_PLACEHOLDER = /\{\$([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?\}/g;

function substituteEnv(text: string, env: Readonly<Record<string, string | undefined>>): string {
  if (!text.includes("{$")) return text;
  return text.replace(ENV_PLACEHOLDER, (whole, name: string, fallback: string | undefined) => {
    return env[name] ?? fallback ?? whole;
  });
}

export function lexCaddyfile(
  text: string,
  file: string,
  env: Readonly<Record<string, string | undefined>> = {},
): LexResult {
  const tokens: CaddyToken[] = [];
  const errors: LoadError[] = [];
  let i = 0;
  let line = 1;
  let atLineStart = true;

  const push = (value: string, startLine: number, quoted: boolean) => {
    tokens.push({ text: substituteEnv(value, env), file, line: startLine, startsLine: atLineStart, quoted });
    atLineStart = false;
  };

  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === "\n") {
      line++;
      atLineStart = true;
      i++;
      continue;
    }
    // Any Unicode space separates tokens, as in Caddy; the word loop below must agree or it would stall.
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === "\\" && (text[i + 1] === "\n" || (text[i + 1] === "\r" && text[i + 2] === "\n"))) {
      // An escaped line break joins two lines into one logical line.
      i += text[i + 1] === "\n" ? 2 : 3;
      line++;
      continue;
    }
    if (ch === "#") {
      while (i < text.length && text[i] !== "\n") i++;
      continue;
    }
    const startLine = line;
    if (ch === '"' || ch === "`") {
      const close = ch;
      let value = "";
      let j = i + 1;
      let closed = false;
      while (j < text.length) {
        const c = text[j] as string;
        if (c === close) {
          closed = true;
          j++;
          break;
        }
        if (close === '"' && c === "\\" && text[j + 1] === '"') {
          value += '"';
          j += 2;
          continue;
        }
        if (c === "\n") line++;
        value += c;
        j++;
      }
      if (!closed) errors.push({ file, line: startLine, message: `unterminated ${close} quote` });
      i = j;
      push(value, startLine, true);
      continue;
    }
    const heredoc = /^<<([A-Za-z0-9_-]+)[ \t]*\r?\n/.exec(text.slice(i, i + 80));
    if (heredoc?.[1]) {
      const result = readHeredoc(text, i + heredoc[0].length, heredoc[1]);
      if (!result.closed) {
        errors.push({
          file,
          line: startLine,
          message: `heredoc <<${heredoc[1]} has no closing ${heredoc[1]}`,
        });
      }
      line += result.lineBreaks + 1;
      i = result.end;
      push(result.value, startLine, true);
      continue;
    }
    let j = i;
    while (j < text.length && !/\s/.test(text[j] as string)) j++;
    push(text.slice(i, j), startLine, false);
    i = j;
  }
  return { tokens, errors };
}

interface Heredoc {
  value: string;
  end: number;
  lineBreaks: number;
  closed: boolean;
}

/**
 * Body lines up to the line that starts with the marker; the marker's indentation is cut from every body
 * line. Tokens after the closing marker (`EOF 200`) continue the logical line.
 */
function readHeredoc(text: string, bodyStart: number, marker: string): Heredoc {
  const lines: string[] = [];
  let pos = bodyStart;
  let lineBreaks = 0;
  for (;;) {
    const newline = text.indexOf("\n", pos);
    const lineEnd = newline === -1 ? text.length : newline;
    const content = text.slice(pos, lineEnd).replace(/\r$/, "");
    const indent = /^[ \t]*/.exec(content)?.[0] ?? "";
    const afterIndent = content.slice(indent.length);
    if (afterIndent.startsWith(marker) && /^(\s|$)/.test(afterIndent.slice(marker.length))) {
      const value = lines
        .map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l.trimStart()))
        .join("\n");
      return { value, end: pos + indent.length + marker.length, lineBreaks, closed: true };
    }
    lines.push(content);
    if (newline === -1) return { value: lines.join("\n"), end: text.length, lineBreaks, closed: false };
    lineBreaks++;
    pos = newline + 1;
  }
}
