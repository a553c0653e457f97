/**
 * Builds the directive tree of one nginx file. Errors are collected, never thrown, and the
 * parser recovers the way a reader would: a missing `;` before `}` or before the next directive
 * closes the statement, a stray `}` is dropped, and end of file closes every open block.
 */
import { Lexer } from "./lexer.js";
import { DATA_BLOCKS, directiveShape, isLuaBlockDirective, likelyMisspelling } from "./directives.js";
import type { ConfigError, NginxDirective } from "./model.js";

export interface ParsedFile {
  directives: NginxDirective[];
  errors: ConfigError[];
}

/** The words of the statement being read, in arrays reused from statement to statement. */
interface PendingWords {
  values: string[];
  lines: number[];
  quoted: boolean[];
}

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
  const words: PendingWords = { values: [], lines: [], quoted: [] };

  const current = () => stack[stack.length - 1]!;

  /** Turns the pending words into directives; more than one when a `;` was plainly forgotten. */
  const finishStatement = (opensBlock: boolean): NginxDirective | undefined => {
    const starts = statementStarts(words, syntaxError);
    let last: NginxDirective | undefined;
    for (let index = 0; index < starts.length; index++) {
      const start = starts[index]!;
      const isLast = index === starts.length - 1;
      const end = isLast ? words.values.length : starts[index + 1]!;
      const name = words.values[start]!;
      const args = words.values.slice(start + 1, end);
      const line = words.lines[start]!;
      // A block gets its children's array when made: a property added later costs each block another object.
      last = isLast && opensBlock ? { name, args, file, line, block: [] } : { name, args, file, line };
      if (!(isLast && opensBlock)) {
        checkShape(last, current(), false, report);
        current().children.push(last);
      }
    }
    words.values.length = 0;
    words.lines.length = 0;
    words.quoted.length = 0;
    return last;
  };

  for (;;) {
    const kind = lexer.next();
    const line = lexer.tokenLine;
    if (kind === "word") {
      words.values.push(lexer.value);
      words.lines.push(line);
      words.quoted.push(lexer.quoted);
      continue;
    }
    if (kind === ";") {
      if (words.values.length === 0) syntaxError(line, 'unexpected ";"');
      else finishStatement(false);
      continue;
    }
    if (kind === "{") {
      const directive = words.values.length === 0 ? undefined : finishStatement(true);
      if (!directive) syntaxError(line, 'unexpected "{"');
      if (directive && isLuaBlockDirective(directive.name)) {
        const body = lexer.readLuaBody();
        if (body !== undefined) directive.rawBody = body;
        current().children.push(directive);
        continue;
      }
      if (stack.length > MAX_BLOCK_DEPTH) {
        // Keep reading to stay in step with the braces, but drop what is inside.
        if (stack.length === MAX_BLOCK_DEPTH + 1)
          syntaxError(line, `blocks nested more than ${MAX_BLOCK_DEPTH} deep; the inner ones are ignored`);
        stack.push({ directive: undefined, children: [] });
        continue;
      }
      if (directive) checkShape(directive, current(), true, report);
      stack.push({ directive, children: directive?.block ?? [] });
      continue;
    }
    if (kind === "}") {
      if (words.values.length > 0) {
        syntaxError(words.lines[0]!, `"${words.values[0]!}" directive is not terminated by ";"`);
        finishStatement(false);
      }
      if (stack.length === 1) {
        syntaxError(line, 'unexpected "}"');
        continue;
      }
      const closed = stack.pop()!.directive;
      if (closed) current().children.push(closedBlock(closed));
      continue;
    }
    // end of file
    if (words.values.length > 0) {
      syntaxError(line, `unexpected end of file, expecting ";" or "}" after "${words.values[0]!}"`);
      finishStatement(false);
    }
    if (stack.length > 1) {
      const innermost = stack.findLast((open) => open.directive)?.directive;
      const where = innermost ? `; the innermost is "${innermost.name}" from line ${innermost.line}` : "";
      syntaxError(
        line,
        `unexpected end of file, expecting "}": ${stack.length - 1} block(s) left open${where}`,
      );
    }
    while (stack.length > 1) {
      const opener = stack.pop()!.directive;
      if (opener) current().children.push(closedBlock(opener));
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
 * A block whose children are all read: they move to an array of their exact size, since the one
 * they were pushed onto keeps room to grow, and a large configuration holds tens of thousands of blocks.
 */
function closedBlock(directive: NginxDirective): NginxDirective {
  directive.block = directive.block!.slice();
  return directive;
}

const ONE_STATEMENT: readonly number[] = [0];

/**
 * `proxy_pass http://a` + newline + `proxy_set_header Host $host;` reads as one statement with
 * too many arguments; when a known directive starts a later line of it, split there. Returns the
 * index of each statement's first word: [0] unless a `;` was forgotten.
 */
function statementStarts(
  words: PendingWords,
  syntaxError: (line: number, message: string) => void,
): readonly number[] {
  const { values, lines, quoted } = words;
  let shape = directiveShape(values[0]!);
  // Nearly every statement is one directive with no more words than it takes.
  if (shape === undefined || values.length - 1 <= shape.max) return ONE_STATEMENT;
  const starts = [0];
  let start = 0;
  for (let i = 1; i < values.length; i++) {
    if (shape === undefined || i - start <= shape.max) continue;
    const candidate = values[i]!;
    if (!quoted[i] && lines[i]! > lines[i - 1]! && directiveShape(candidate)) {
      syntaxError(lines[start]!, `"${values[start]!}" directive is not terminated by ";"`);
      starts.push(i);
      start = i;
      shape = directiveShape(candidate);
    }
  }
  return starts;
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
