/**
 * Builds the directive tree of one nginx file. Errors are collected, never thrown, and the
 * parser recovers the way a reader would: a missing `;` before `}` or before the next directive
 * closes the statement, a stray `}` is dropped, and end of file closes every open block.
 */
import { Lexer, type Token } from "./lexer.js";
import { DATA_BLOCKS, directiveShape, isLuaBlockDirective, likelyMisspelling } from "./directives.js";
import type { ConfigError, NginxDirective } from "./model.js";

export interface ParsedFile {
  directives: NginxDirective[];
  errors: ConfigError[];
}

type WordToken = Extract<Token, { kind: "word" }>;

/** Real configurations nest a handful of levels; the cap keeps every later tree walk shallow. */
export const MAX_BLOCK_DEPTH = 50;
/** A binary or garbage file would otherwise yield an error per token. */
const MAX_ERRORS_PER_FILE = 100;

interface OpenBlock {
  directive: NginxDirective | undefined;
  children: NginxDirective[];
}

export function parseNginx(text: string, file: string): ParsedFile {
  const lexer = new Lexer(text);
  const errors: ConfigError[] = [];
  let suppressed = 0;
  const report = (error: ConfigError) => {
    if (errors.length < MAX_ERRORS_PER_FILE) errors.push(error);
    else suppressed++;
  };
  const syntaxError = (line: number, message: string) => report({ file, line, message, kind: "syntax" });

  const root: OpenBlock = { directive: undefined, children: [] };
  const stack: OpenBlock[] = [root];
  let words: WordToken[] = [];

  const current = () => stack[stack.length - 1]!;

  /** Turns the pending words into directives; more than one when a `;` was plainly forgotten. */
  const finishStatement = (opensBlock: boolean): NginxDirective | undefined => {
    const parts = splitForgottenSemicolons(words, syntaxError);
    words = [];
    let last: NginxDirective | undefined;
    parts.forEach((part, index) => {
      const isLast = index === parts.length - 1;
      const [head, ...rest] = part;
      last = { name: head!.value, args: rest.map((w) => w.value), file, line: head!.line };
      if (!(isLast && opensBlock)) {
        checkShape(last, current(), false, report);
        current().children.push(last);
      }
    });
    return last;
  };

  for (;;) {
    const token = lexer.next();
    if (token.kind === "word") {
      words.push(token);
      continue;
    }
    if (token.kind === ";") {
      if (words.length === 0) syntaxError(token.line, 'unexpected ";"');
      else finishStatement(false);
      continue;
    }
    if (token.kind === "{") {
      const directive = words.length === 0 ? undefined : finishStatement(true);
      if (!directive) syntaxError(token.line, 'unexpected "{"');
      if (directive && isLuaBlockDirective(directive.name)) {
        const body = lexer.readLuaBody();
        directive.block = [];
        if (body !== undefined) directive.rawBody = body;
        current().children.push(directive);
        continue;
      }
      if (stack.length > MAX_BLOCK_DEPTH) {
        // Keep reading to stay in step with the braces, but drop what is inside.
        if (stack.length === MAX_BLOCK_DEPTH + 1)
          syntaxError(
            token.line,
            `blocks nested more than ${MAX_BLOCK_DEPTH} deep; the inner ones are ignored`,
          );
        stack.push({ directive: undefined, children: [] });
        continue;
      }
      if (directive) {
        directive.block = [];
        checkShape(directive, current(), true, report);
      }
      stack.push({ directive, children: directive?.block ?? [] });
      continue;
    }
    if (token.kind === "}") {
      if (words.length > 0) {
        syntaxError(words[0]!.line, `"${words[0]!.value}" directive is not terminated by ";"`);
        finishStatement(false);
      }
      if (stack.length === 1) {
        syntaxError(token.line, 'unexpected "}"');
        continue;
      }
      const closed = stack.pop()!;
      if (closed.directive) current().children.push(closed.directive);
      continue;
    }
    // end of file
    if (words.length > 0) {
      syntaxError(token.line, `unexpected end of file, expecting ";" or "}" after "${words[0]!.value}"`);
      finishStatement(false);
    }
    if (stack.length > 1) {
      const innermost = stack.findLast((open) => open.directive)?.directive;
      const where = innermost ? `; the innermost is "${innermost.name}" from line ${innermost.line}` : "";
      syntaxError(
        token.line,
        `unexpected end of file, expecting "}": ${stack.length - 1} block(s) left open${where}`,
      );
    }
    while (stack.length > 1) {
      const opener = stack.pop()!.directive;
      if (opener) current().children.push(opener);
    }
    break;
  }
  for (const error of lexer.errors) syntaxError(error.line, error.message);
  errors.sort((a, b) => a.line - b.line);
  if (suppressed > 0) {
    errors.push({
      file,
      line: errors.at(-1)!.line,
      message: `${suppressed} more errors not listed`,
      kind: "syntax",
    });
  }
  return { directives: root.children, errors };
}

/**
 * `proxy_pass http://a` + newline + `proxy_set_header Host $host;` reads as one statement with
 * too many arguments; when a known directive starts a later line of it, split there.
 */
function splitForgottenSemicolons(
  words: WordToken[],
  syntaxError: (line: number, message: string) => void,
): WordToken[][] {
  const parts: WordToken[][] = [];
  let start = 0;
  for (let i = 1; i < words.length; i++) {
    const head = words[start]!;
    const candidate = words[i]!;
    const shape = directiveShape(head.value);
    const tooMany = shape !== undefined && i - start > shape.max;
    if (
      tooMany &&
      !candidate.quoted &&
      candidate.line > words[i - 1]!.line &&
      directiveShape(candidate.value)
    ) {
      syntaxError(head.line, `"${head.value}" directive is not terminated by ";"`);
      parts.push(words.slice(start, i));
      start = i;
    }
  }
  parts.push(words.slice(start));
  return parts;
}

function checkShape(
  directive: NginxDirective,
  parent: OpenBlock,
  hasBlock: boolean,
  reportError: (error: ConfigError) => void,
): void {
  const parentName = parent.directive?.name;
  if (parentName !== undefined && (DATA_BLOCKS.has(parentName) || isLuaBlockDirective(parentName))) return;
  const report = (message: string) =>
    reportError({ file: directive.file, line: directive.line, message, kind: "directive" });
  const shape = directiveShape(directive.name);
  if (!shape) {
    const suggestion = likelyMisspelling(directive.name);
    if (suggestion) report(`unknown directive "${directive.name}" (did you mean "${suggestion}"?)`);
    return;
  }
  const count = directive.args.length;
  if (count < shape.min || count > shape.max)
    report(`invalid number of arguments in "${directive.name}" directive`);
  if (shape.block && !hasBlock) report(`directive "${directive.name}" has no opening "{"`);
  if (!shape.block && hasBlock) report(`directive "${directive.name}" cannot have a block`);
}
