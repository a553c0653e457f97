/**
 * Loads a whole nginx configuration: the main file plus every include, spliced in where the
 * include stood. Relative include paths resolve against the main file's directory (nginx's
 * conf prefix), not the including file's. Never throws: every problem becomes a ConfigError.
 */
import path from "node:path";
import { parseNginx, type ParsedFile } from "./parser.js";
import { diskSource, dumpSource, splitNginxDump, type ConfigSource } from "./sources.js";
import { hasWildcard } from "../glob.js";
import { isBlock, type ConfigError, type NginxConfig, type NginxDirective } from "./model.js";

/** Guards against include fan-out (a file included twice by a file included twice, ...). */
const MAX_INCLUDE_EXPANSIONS = 10_000;
const MAX_INCLUDE_DEPTH = 32;

export interface LoadOptions {
  /** nginx's conf prefix, against which relative includes resolve; defaults to the main file's directory. */
  prefix?: string;
  /**
   * Read absolute include paths beneath this directory (an unpacked image or a copy of /etc),
   * so auditing a repository never reads the auditing machine's own /etc/nginx by accident.
   */
  sysroot?: string;
}

class IncludeResolver {
  readonly files: string[] = [];
  readonly errors: ConfigError[] = [];
  private readonly parsed = new Map<string, ParsedFile | undefined>();
  private expansions = 0;

  constructor(
    private readonly source: ConfigSource,
    private readonly prefix: string,
    private readonly sysroot: string | undefined,
  ) {}

  /** Parses a file once; errors are recorded once, however often the file is included. */
  parse(file: string, includedAt?: NginxDirective): ParsedFile | undefined {
    if (this.parsed.has(file)) return this.parsed.get(file);
    const read = this.source.read(file);
    let result: ParsedFile | undefined;
    if ("error" in read) {
      const where = includedAt ?? { file, line: read.line };
      const written = includedAt?.args[0];
      const shown = written === undefined || written === file ? `"${file}"` : `"${written}" (${file})`;
      const message = includedAt ? `cannot include ${shown}: ${read.error}` : read.error;
      this.errors.push({ file: where.file, line: where.line, message, kind: "io" });
    } else {
      this.files.push(file);
      result = parseNginx(read.text, file);
      for (const error of result.errors) this.errors.push(error);
    }
    this.parsed.set(file, result);
    return result;
  }

  /** Splices includes into a tree; subtrees without includes are returned as they are, not copied. */
  expand(directives: NginxDirective[], openFiles: string[]): NginxDirective[] {
    let out: NginxDirective[] | undefined;
    directives.forEach((directive, index) => {
      let replacement: NginxDirective[] | undefined;
      if (directive.name === "include" && directive.args.length === 1 && !directive.block) {
        replacement = this.include(directive, openFiles);
      } else if (isBlock(directive) && directive.rawBody === undefined) {
        const block = this.expand(directive.block, openFiles);
        if (block !== directive.block) replacement = [{ ...directive, block }];
      }
      if (replacement && !out) out = directives.slice(0, index);
      if (out) for (const kept of replacement ?? [directive]) out.push(kept);
    });
    return out ?? directives;
  }

  private include(directive: NginxDirective, openFiles: string[]): NginxDirective[] {
    const target = directive.args[0]!;
    const pattern =
      this.sysroot !== undefined && path.isAbsolute(target)
        ? path.join(this.sysroot, target)
        : path.resolve(this.prefix, target);
    const matches = this.source.expand(pattern);
    const spliced: NginxDirective[] = [];
    let resolved = hasWildcard(pattern);
    for (const file of matches) {
      if (openFiles.length > MAX_INCLUDE_DEPTH) {
        this.includeError(
          directive,
          `includes nested more than ${MAX_INCLUDE_DEPTH} deep; "${file}" is not read`,
        );
        continue;
      }
      if (openFiles.includes(file)) {
        const cycle = [...openFiles.slice(openFiles.indexOf(file)), file].join(" -> ");
        this.includeError(directive, `include cycle: ${cycle}`);
        continue;
      }
      if (++this.expansions > MAX_INCLUDE_EXPANSIONS) {
        this.includeError(directive, `more than ${MAX_INCLUDE_EXPANSIONS} includes; the rest are not read`);
        break;
      }
      const parsed = this.parse(file, directive);
      if (!parsed) continue;
      resolved = true;
      for (const included of this.expand(parsed.directives, [...openFiles, file])) spliced.push(included);
    }
    return resolved ? spliced : [{ ...directive, unresolved: true }];
  }

  private includeError(directive: NginxDirective, message: string): void {
    this.errors.push({ file: directive.file, line: directive.line, message, kind: "include" });
  }
}

function resolveAll(source: ConfigSource, mainFile: string, options: LoadOptions): NginxConfig {
  const prefix = options.prefix === undefined ? path.dirname(mainFile) : path.resolve(options.prefix);
  const resolver = new IncludeResolver(source, prefix, options.sysroot);
  const main = resolver.parse(mainFile);
  const root = main ? resolver.expand(main.directives, [mainFile]) : [];
  return { files: resolver.files, root, errors: resolver.errors };
}

/** Loads configuration from text already in memory: a single file, or a whole `nginx -T` dump. */
export function loadNginxText(text: string, file: string, options: LoadOptions = {}): NginxConfig {
  const dump = splitNginxDump(text);
  // A dump holds every file nginx read, at the paths nginx saw: no prefix or sysroot applies.
  if (dump && dump.size > 0) return resolveAll(dumpSource(dump), dump.keys().next().value!, {});
  // Keyed by the absolute path, as the resolver asks for it: a relative name would miss and read the disk.
  const main = path.resolve(file);
  // Includes of an in-memory file are read from disk, beside where the file claims to live.
  const source: ConfigSource = {
    read: (name) => (name === main ? { text } : diskSource.read(name)),
    expand: (pattern) => diskSource.expand(pattern),
  };
  return resolveAll(source, main, options);
}

/** Loads the main configuration file (or an `nginx -T` dump saved to a file) and its includes. */
export async function loadNginxConfig(mainFile: string, options: LoadOptions = {}): Promise<NginxConfig> {
  const absolute = path.resolve(mainFile);
  const read = diskSource.read(absolute);
  if ("error" in read) {
    return {
      files: [],
      root: [],
      errors: [{ file: absolute, line: read.line, message: read.error, kind: "io" }],
    };
  }
  return loadNginxText(read.text, absolute, options);
}
