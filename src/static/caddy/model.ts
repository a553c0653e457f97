/**
 * Caddyfile model and loader: global options, site blocks with their addresses, nested directives,
 * with snippets and imports expanded. Every directive keeps the file and line it was written at.
 */
import path from "node:path";
import { checkConfigText, readConfigSource, type LoadError, type Located } from "./config-source.js";
import { lexCaddyfile, type CaddyToken } from "./lexer.js";
import { expandGlob } from "../glob.js";

export type { LoadError, Located } from "./config-source.js";

export interface CaddyDirective extends Located {
  name: string;
  args: string[];
  /** The `{ ... }` block after the arguments, when there is one. */
  block?: CaddyDirective[];
}

export interface CaddyAddress {
  raw: string;
  /** The scheme Caddy serves this address with: explicit, else from the port, else https when a host is named. */
  scheme: "http" | "https";
  /** True when the address says http:// or https:// itself. */
  explicitScheme: boolean;
  /** Empty for a catch-all address such as `:80`. */
  host: string;
  port?: string;
  path?: string;
}

export interface CaddySite extends Located {
  addresses: CaddyAddress[];
  directives: CaddyDirective[];
}

export interface CaddyConfig {
  file: string;
  /** Every file read: the main one and the imported ones. */
  files: string[];
  globalOptions: CaddyDirective[];
  sites: CaddySite[];
  errors: LoadError[];
}

export interface CaddyLoadOptions {
  /** Values for `{$VAR}` placeholders; unset variables without a default stay as written. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Imports nest at most this deep, and expansion stops past this many tokens (snippet fan-out is exponential). */
const MAX_IMPORT_DEPTH = 16;
const MAX_EXPANDED_TOKENS = 500_000;
/** Blocks nest at most this deep; deeper input is reported, not parsed (and cannot exhaust the stack). */
const MAX_BLOCK_DEPTH = 100;

export function loadCaddyfile(file: string, options: CaddyLoadOptions = {}): CaddyConfig {
  const source = readConfigSource(file);
  if (!source.ok) return emptyConfig(file, [source.error]);
  return parseCaddyfile(source.text, file, options);
}

/** Parses Caddyfile text; `file` names it in locations and anchors relative imports. */
export function parseCaddyfile(text: string, file: string, options: CaddyLoadOptions = {}): CaddyConfig {
  const checked = checkConfigText(file, text);
  if (!checked.ok) return emptyConfig(file, [checked.error]);
  const expander = new ImportExpander(file, options.env ?? {});
  const lexed = lexCaddyfile(checked.text, file, options.env ?? {});
  expander.errors.push(...lexed.errors);
  const tokens = expander.expand(lexed.tokens, [path.resolve(file)]);
  const config = emptyConfig(file, expander.errors);
  config.files = [...expander.files];
  new StructureParser(tokens, config).parse();
  return config;
}

function emptyConfig(file: string, errors: LoadError[]): CaddyConfig {
  return { file, files: [file], globalOptions: [], sites: [], errors };
}

function isBrace(token: CaddyToken | undefined, brace: "{" | "}"): boolean {
  return token !== undefined && !token.quoted && token.text === brace;
}

/** Expands `import` lines (snippets and file globs) at the token level, as Caddy does, and collects snippets. */
class ImportExpander {
  readonly errors: LoadError[] = [];
  readonly files = new Set<string>();
  private readonly snippets = new Map<string, CaddyToken[]>();
  private produced = 0;
  private tooLarge = false;

  constructor(
    mainFile: string,
    private readonly env: Readonly<Record<string, string | undefined>>,
  ) {
    this.files.add(mainFile);
  }

  expand(tokens: CaddyToken[], chain: string[]): CaddyToken[] {
    const out: CaddyToken[] = [];
    let depth = 0;
    let i = 0;
    while (i < tokens.length && !this.tooLarge) {
      const token = tokens[i] as CaddyToken;
      if (depth === 0 && this.isSnippetDefinition(tokens, i)) {
        i = this.defineSnippet(tokens, i);
        continue;
      }
      if (token.startsLine && !token.quoted && token.text === "import") {
        let end = i + 1;
        while (end < tokens.length && !(tokens[end] as CaddyToken).startsLine) end++;
        for (const imported of this.importTokens(token, tokens.slice(i + 1, end), chain)) out.push(imported);
        i = end;
        continue;
      }
      if (isBrace(token, "{")) depth++;
      if (isBrace(token, "}")) depth = Math.max(0, depth - 1);
      out.push(token);
      this.count(token, 1);
      i++;
    }
    return out;
  }

  private isSnippetDefinition(tokens: CaddyToken[], i: number): boolean {
    const token = tokens[i] as CaddyToken;
    const next = tokens[i + 1];
    return (
      token.startsLine &&
      !token.quoted &&
      /^\(.+\)$/.test(token.text) &&
      isBrace(next, "{") &&
      !next?.startsLine
    );
  }

  /** Stores the snippet body (tokens between its braces) and returns the index after its closing brace. */
  private defineSnippet(tokens: CaddyToken[], start: number): number {
    const head = tokens[start] as CaddyToken;
    let depth = 0;
    for (let i = start + 1; i < tokens.length; i++) {
      const token = tokens[i] as CaddyToken;
      if (isBrace(token, "{")) depth++;
      if (isBrace(token, "}") && --depth === 0) {
        this.snippets.set(head.text.slice(1, -1), tokens.slice(start + 2, i));
        return i + 1;
      }
    }
    this.errors.push({ file: head.file, line: head.line, message: `snippet ${head.text} has no closing }` });
    return tokens.length;
  }

  private importTokens(importToken: CaddyToken, argTokens: CaddyToken[], chain: string[]): CaddyToken[] {
    const [target, ...args] = argTokens.map((t) => t.text);
    const where = { file: importToken.file, line: importToken.line };
    if (target === undefined) {
      this.errors.push({ ...where, message: "import needs a snippet name or a file pattern" });
      return [];
    }
    const snippet = this.snippets.get(target);
    const key = snippet ? `(${target})` : path.resolve(path.dirname(importToken.file), target);
    if (chain.includes(key) || chain.length >= MAX_IMPORT_DEPTH) {
      const reason = chain.includes(key) ? "import cycle" : `imports nested deeper than ${MAX_IMPORT_DEPTH}`;
      this.errors.push({ ...where, message: `${reason}: ${[...chain, key].join(" -> ")}` });
      return [];
    }
    const body = snippet ?? this.readImportedFiles(key, target, where);
    const substituted = body.map((t, index) => ({
      ...t,
      text: substituteImportArgs(t.text, args),
      startsLine: index === 0 || t.startsLine,
    }));
    return this.expand(substituted, [...chain, key]);
  }

  private readImportedFiles(pattern: string, written: string, where: Located): CaddyToken[] {
    const files = importedFiles(pattern);
    if (typeof files === "string") {
      this.errors.push({ ...where, message: `import ${written}: ${files}` });
      return [];
    }
    // Caddy only warns when a pattern with any of `*?[]` matches nothing.
    if (files.length === 0 && !/[*?[\]]/.test(pattern)) {
      this.errors.push({ ...where, message: `import ${written}: no snippet or file by that name` });
    }
    const tokens: CaddyToken[] = [];
    for (const file of files) {
      const source = readConfigSource(file);
      if (!source.ok) {
        this.errors.push({
          ...source.error,
          message: `imported from ${where.file}:${where.line}: ${source.error.message}`,
        });
        continue;
      }
      this.files.add(file);
      const lexed = lexCaddyfile(source.text, file, this.env);
      this.errors.push(...lexed.errors);
      lexed.tokens.forEach((t, index) => tokens.push(index === 0 ? { ...t, startsLine: true } : t));
    }
    return tokens;
  }

  private count(token: CaddyToken, n: number): void {
    this.produced += n;
    if (this.produced > MAX_EXPANDED_TOKENS && !this.tooLarge) {
      this.tooLarge = true;
      this.errors.push({
        file: token.file,
        line: token.line,
        message: `imports expand to more than ${MAX_EXPANDED_TOKENS} tokens; expansion stopped`,
      });
    }
  }
}

/** `{args.0}` (Caddy 2.6) and `{args[0]}` (2.7+) stand for the import's arguments. */
function substituteImportArgs(text: string, args: string[]): string {
  if (!text.includes("{args")) return text;
  return text.replace(/\{args(?:\.(\d+)|\[(\d+)\])\}/g, (_whole, dotted?: string, bracketed?: string) => {
    return args[Number(dotted ?? bracketed)] ?? "";
  });
}

/**
 * Files matching an import pattern as Caddy finds them: Go's filepath.Glob, which lets wildcards match
 * dot files, except that a last segment starting with `*` leaves them out. Caddy refuses patterns
 * with more than one `*` or `?`, or a `[...]` class, and Go refuses a `[` never closed or a trailing
 * backslash before reading any folder; the reason, for those.
 */
function importedFiles(pattern: string): string[] | string {
  const count = (ch: string) => pattern.split(ch).length - 1;
  if (count("*") > 1 || count("?") > 1 || (pattern.includes("[") && pattern.includes("]")))
    return "Caddy allows one wildcard in a pattern";
  if (pattern.includes("[") || /(^|[^\\])(\\\\)*\\$/.test(pattern)) return "syntax error in pattern";
  const files = expandGlob(pattern, { leadingDot: "any", links: "follow" });
  return path.basename(pattern).startsWith("*")
    ? files.filter((file) => !path.basename(file).startsWith("."))
    : files;
}

/** Splits the expanded token stream into the global options block and the site blocks. */
class StructureParser {
  private i = 0;
  private depth = 0;

  constructor(
    private readonly tokens: CaddyToken[],
    private readonly config: CaddyConfig,
  ) {}

  parse(): void {
    if (isBrace(this.tokens[0], "{")) {
      this.i = 1;
      this.config.globalOptions = this.directives(this.tokens[0] as CaddyToken);
    }
    while (this.i < this.tokens.length) {
      const first = this.tokens[this.i] as CaddyToken;
      const keys = this.siteKeys();
      const addresses = keys
        .flatMap((k) => k.split(","))
        .filter((k) => k !== "")
        .map(parseAddress);
      const site: CaddySite = { file: first.file, line: first.line, addresses, directives: [] };
      if (isBrace(this.tokens[this.i], "{")) {
        this.i++;
        site.directives = this.directives(first);
      } else if (this.config.sites.length === 0) {
        // A Caddyfile with a single site may leave out the braces: the rest of the file is its body.
        site.directives = this.directives(undefined);
      } else {
        this.error(first, `site block ${keys.join(" ")} needs { } when the file has more than one site`);
        this.skipLine();
        continue;
      }
      this.config.sites.push(site);
    }
  }

  /** Address tokens up to the block's `{`; a trailing comma carries the list onto the next line. */
  private siteKeys(): string[] {
    const keys: string[] = [];
    while (this.i < this.tokens.length) {
      const token = this.tokens[this.i] as CaddyToken;
      const continues = keys.length === 0 || !token.startsLine || (keys.at(-1) ?? "").endsWith(",");
      if (isBrace(token, "{") || !continues) break;
      if (isBrace(token, "}")) {
        this.error(token, "unexpected }");
      } else {
        keys.push(token.text);
      }
      this.i++;
    }
    return keys;
  }

  /** Directives up to the `}` that closes `opener`'s block, or to the end of input when opener is undefined. */
  private directives(opener: CaddyToken | undefined): CaddyDirective[] {
    const list: CaddyDirective[] = [];
    if (opener && ++this.depth > MAX_BLOCK_DEPTH) {
      this.error(opener, `blocks nested deeper than ${MAX_BLOCK_DEPTH}; the rest of the file is not parsed`);
      this.i = this.tokens.length;
      return list;
    }
    while (this.i < this.tokens.length) {
      const token = this.tokens[this.i] as CaddyToken;
      if (isBrace(token, "}")) {
        this.i++;
        if (opener) {
          this.depth--;
          return list;
        }
        this.error(token, "unexpected } without an open block");
        continue;
      }
      if (isBrace(token, "{")) {
        this.error(token, "{ must follow a directive on the same line");
        this.i++;
        this.directives(token);
        continue;
      }
      list.push(this.directive(token));
    }
    if (opener) this.error(opener, "block opened here has no closing }");
    return list;
  }

  private directive(nameToken: CaddyToken): CaddyDirective {
    const directive: CaddyDirective = {
      file: nameToken.file,
      line: nameToken.line,
      name: nameToken.text,
      args: [],
    };
    this.i++;
    while (this.i < this.tokens.length) {
      const token = this.tokens[this.i] as CaddyToken;
      if (token.startsLine || isBrace(token, "}")) break;
      this.i++;
      if (isBrace(token, "{")) {
        directive.block = this.directives(token);
        break;
      }
      directive.args.push(token.text);
    }
    return directive;
  }

  private skipLine(): void {
    this.i++;
    while (this.i < this.tokens.length && !(this.tokens[this.i] as CaddyToken).startsLine) this.i++;
  }

  private error(token: CaddyToken, message: string): void {
    this.config.errors.push({ file: token.file, line: token.line, message });
  }
}

function parseAddress(raw: string): CaddyAddress {
  const schemeMatch = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(raw);
  const explicit = schemeMatch?.[1]?.toLowerCase();
  let rest = schemeMatch ? raw.slice(schemeMatch[0].length) : raw;
  let addressPath: string | undefined;
  const slash = rest.indexOf("/");
  if (slash !== -1) {
    addressPath = rest.slice(slash);
    rest = rest.slice(0, slash);
  }
  let host = rest;
  let port: string | undefined;
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(rest);
  if (bracketed) {
    host = bracketed[1] ?? "";
    port = bracketed[2];
  } else if (rest.split(":").length === 2) {
    [host = "", port] = rest.split(":");
  }
  let scheme: "http" | "https";
  if (explicit === "http" || explicit === "https") scheme = explicit;
  else if (port === "80") scheme = "http";
  else if (port === "443") scheme = "https";
  else scheme = host === "" ? "http" : "https";
  const address: CaddyAddress = { raw, scheme, explicitScheme: explicit !== undefined, host };
  if (port !== undefined && port !== "") address.port = port;
  if (addressPath !== undefined) address.path = addressPath;
  return address;
}

/** Every directive in a list and in the blocks nested below it, depth first, in written order. */
export function* walkDirectives(directives: readonly CaddyDirective[]): Generator<CaddyDirective> {
  for (const directive of directives) {
    yield directive;
    if (directive.block) yield* walkDirectives(directive.block);
  }
}
