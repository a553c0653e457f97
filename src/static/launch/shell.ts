/** Splitting command lines the way a POSIX shell does, far enough to read an app server's options. */

/** Words and control operators (`&&`, `||`, `;`, `|`, `&`) of one line of shell, or undefined on an open quote. */
type Token = { word: string } | { operator: string };

function tokenize(text: string, operators: boolean): Token[] | undefined {
  const tokens: Token[] = [];
  let current = "";
  let inWord = false;
  let quote: string | undefined;
  const endWord = () => {
    if (inWord) tokens.push({ word: current });
    current = "";
    inWord = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === "\\" && quote === '"' && i + 1 < text.length) current += text[++i];
      else current += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === "\\" && i + 1 < text.length) {
      // A backslash before a newline joins the lines; before anything else it quotes that character.
      if (text[i + 1] !== "\n") {
        current += text[i + 1];
        inWord = true;
      }
      i++;
    } else if (operators && ch === "#" && !inWord) {
      break;
    } else if (operators && (ch === ";" || ch === "&" || ch === "|" || ch === "\n")) {
      endWord();
      const doubled = (ch === "&" || ch === "|") && text[i + 1] === ch;
      tokens.push({ operator: doubled ? ch + ch : ch });
      if (doubled) i++;
    } else if (/\s/.test(ch)) {
      endWord();
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (quote) return undefined;
  endWord();
  return tokens;
}

/** Whitespace-separated words with quotes and backslashes resolved (systemd, Compose, exec arguments). */
export function shellWords(text: string): string[] | undefined {
  return tokenize(text, false)?.map((t) => ("word" in t ? t.word : t.operator));
}

/**
 * The simple commands of a shell command line (`a && exec b; c | d` gives a, b, c, d): what `sh -c` would
 * start. Comments are dropped. Undefined on an unterminated quote.
 */
export function shellCommands(text: string): string[][] | undefined {
  const tokens = tokenize(text, true);
  if (!tokens) return undefined;
  const commands: string[][] = [[]];
  for (const token of tokens) {
    if ("operator" in token) commands.push([]);
    else commands[commands.length - 1]?.push(token.word);
  }
  return commands.filter((c) => c.length > 0);
}
