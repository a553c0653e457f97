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

/**
 * The words of the statement being read, in arrays reused from statement to statement: a count
 * marks their end, since truncating an array by setting its length is a call into the runtime.
 */
class PendingWords {
  readonly values: string[] = [];
  readonly lines: number[] = [];
  readonly quoted: boolean[] = [];
  count = 0;

  add(value: string, line: number, quoted: boolean): void {
    this.values[this.count] = value;
    this.lines[this.count] = line;
    this.quoted[this.count] = quoted;
    this.count++;
  }
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
  const words = new PendingWords();
  const sharedArguments = new SharedArguments();

  const current = () => stack[stack.length - 1]!;

  /** Turns the pending words into directives; more than one when a `;` was plainly forgotten. */
  const finishStatement = (opensBlock: boolean): NginxDirective | undefined => {
    const starts = statementStarts(words, syntaxError);
    let last: NginxDirective | undefined;
    for (let index = 0; index < starts.length; index++) {
      const start = starts[index]!;
      const isLast = index === starts.length - 1;
      const end = isLast ? words.count : starts[index + 1]!;
      const name = words.values[start]!;
      const args = sharedArguments.of(words.values, start + 1, end);
      const line = words.lines[start]!;
      // A block gets its children's array when made: a property added later costs each block another object.
      last = isLast && opensBlock ? { name, args, file, line, block: [] } : { name, args, file, line };
      if (!(isLast && opensBlock)) {
        checkShape(last, current(), false, report);
        current().children.push(last);
      }
    }
    words.count = 0;
    return last;
  };

  for (;;) {
    const kind = lexer.next();
    const line = lexer.tokenLine;
    if (kind === "word") {
      words.add(lexer.value, line, lexer.quoted);
      continue;
    }
    if (kind === ";") {
      if (words.count === 0) syntaxError(line, 'unexpected ";"');
      else finishStatement(false);
      continue;
    }
    if (kind === "{") {
      const directive = words.count === 0 ? undefined : finishStatement(true);
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
      if (words.count > 0) {
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
    if (words.count > 0) {
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

/** First words whose argument lists are kept for sharing; the count bounds the table on generated input. */
const MAX_SHARED_FIRST_WORDS = 50_000;
/** Lists kept per first word: `return 301 https://...` starts a different list in every server. */
const MAX_LISTS_PER_FIRST_WORD = 8;

/**
 * One array for each distinct argument list of a file: `proxy_set_header Host $host`, `listen 80` and
 * `access_log off` repeat in every server of a big configuration, and each array is two objects.
 * Lists are found by their first word, then compared word for word, so a lookup allocates nothing.
 * Shared arrays are frozen, so no reader can change one directive's arguments under another.
 */
class SharedArguments {
  private readonly byFirstWord = new Map<string, string[][]>();

  of(values: string[], from: number, to: number): string[] {
    if (from === to) return NO_ARGUMENTS;
    const first = values[from]!;
    let lists = this.byFirstWord.get(first);
    if (lists) {
      for (const list of lists) if (sameWords(list, values, from, to)) return list;
    } else if (this.byFirstWord.size < MAX_SHARED_FIRST_WORDS) {
      lists = [];
      this.byFirstWord.set(first, lists);
    }
    const list = Object.freeze(argumentsOf(values, from, to)) as string[];
    if (lists && lists.length < MAX_LISTS_PER_FIRST_WORD) lists.push(list);
    return list;
  }
}

const NO_ARGUMENTS = Object.freeze([]) as unknown as string[];

function sameWords(list: string[], values: string[], from: number, to: number): boolean {
  if (list.length !== to - from) return false;
  for (let i = 0; i < list.length; i++) if (list[i] !== values[from + i]) return false;
  return true;
}

/**
 * The words from..to as a new array. Array literals, unlike slice(), let V8 see that these arrays
 * live as long as the tree and allocate them in the old generation from the start, instead of
 * copying each one twice through the young generation.
 */
function argumentsOf(values: string[], from: number, to: number): string[] {
  switch (to - from) {
    case 1:
      return [values[from]!];
    case 2:
      return [values[from]!, values[from + 1]!];
    case 3:
      return [values[from]!, values[from + 1]!, values[from + 2]!];
    default:
      return values.slice(from, to);
  }
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
  const { values, lines, quoted, count } = words;
  let shape = directiveShape(values[0]!);
  // Nearly every statement is one directive with no more words than it takes.
  if (shape === undefined || count - 1 <= shape.max) return ONE_STATEMENT;
  const starts = [0];
  let start = 0;
  for (let i = 1; i < count; i++) {
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
  const shape = directiveShape(directive.name);
  if (!shape) {
    const suggestion = likelyMisspelling(directive.name);
    if (suggestion)
      reportError(
        directiveError(directive, `unknown directive "${directive.name}" (did you mean "${suggestion}"?)`),
      );
    return;
  }
  const count = directive.args.length;
  if (count < shape.min || count > shape.max)
    reportError(directiveError(directive, `invalid number of arguments in "${directive.name}" directive`));
  if (shape.block && !hasBlock)
    reportError(directiveError(directive, `directive "${directive.name}" has no opening "{"`));
  if (!shape.block && hasBlock)
    reportError(directiveError(directive, `directive "${directive.name}" cannot have a block`));
}

/** A function of its own, not a closure made in checkShape: that runs once per directive. */
function directiveError(directive: NginxDirective, message: string): ConfigError {
  return { file: directive.file, line: directive.line, message, kind: "directive" };
}
