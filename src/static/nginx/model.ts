/** The parsed shape of an nginx configuration, with every include already spliced in. */

export interface NginxDirective {
  name: string;
  args: string[];
  /** File the directive was written in (the included file, not the one that included it). */
  file: string;
  line: number;
  /** Children, for block directives (`server { ... }`); absent for simple ones. */
  block?: NginxDirective[];
  /** Raw source of a `*_by_lua_block { ... }` body, which follows Lua's grammar, not nginx's. */
  rawBody?: string;
  /** Set on an `include` left in the tree because its file could not be read. */
  unresolved?: boolean;
}

export type ConfigErrorKind = "syntax" | "include" | "io" | "directive";

export interface ConfigError {
  file: string;
  line: number;
  message: string;
  kind: ConfigErrorKind;
}

export interface NginxConfig {
  /** Every file read, main file first. */
  files: string[];
  root: NginxDirective[];
  errors: ConfigError[];
}

/**
 * The limit the loader applies to each file: more is refused, never read. An `nginx -T` dump of a host
 * with 100,000 server blocks is about 80 MB.
 */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;

export function isBlock(
  directive: NginxDirective,
): directive is NginxDirective & { block: NginxDirective[] } {
  return directive.block !== undefined;
}
