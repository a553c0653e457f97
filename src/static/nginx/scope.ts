/**
 * nginx's inheritance model for array directives (proxy_set_header, add_header, uwsgi_param,
 * set_real_ip_from): a block that has ANY of them replaces the whole inherited list; a block
 * with none inherits its parent's. Scalars (real_ip_header) come from the innermost block.
 */
import { isBlock, type NginxDirective } from "./model.js";

/** A block and the blocks around it, outermost first; `levels` are their children, root first. */
export interface Scope {
  root: NginxDirective[];
  /** Enclosing block directives from the outermost down to (and including) this one. */
  path: NginxDirective[];
}

export function levelsOf(scope: Scope): NginxDirective[][] {
  return [scope.root, ...scope.path.map((block) => block.block ?? [])];
}

export function childScope(scope: Scope, block: NginxDirective): Scope {
  return { root: scope.root, path: [...scope.path, block] };
}

export function named(level: NginxDirective[], names: readonly string[]): NginxDirective[] {
  return level.filter((directive) => names.includes(directive.name));
}

/** The list of directives in effect: the innermost level that defines any of `names`. */
export function inheritedList(scope: Scope, names: readonly string[]): NginxDirective[] {
  const levels = levelsOf(scope);
  for (let i = levels.length - 1; i >= 0; i--) {
    const own = named(levels[i]!, names);
    if (own.length > 0) return own;
  }
  return [];
}

/** The innermost (and, within a level, last) directive called `name`. */
export function inheritedValue(scope: Scope, name: string): NginxDirective | undefined {
  const levels = levelsOf(scope);
  for (let i = levels.length - 1; i >= 0; i--) {
    const own = named(levels[i]!, [name]);
    if (own.length > 0) return own[own.length - 1];
  }
  return undefined;
}

/** mime.types holds a `types` block only; not having read it changes nothing we judge. */
const HARMLESS_INCLUDE = /(^|\/)mime\.types$/;

/** The innermost include in or around this scope that could not be read: what it held is unknown. */
export function unreadIncludeInScope(scope: Scope): NginxDirective | undefined {
  const levels = levelsOf(scope);
  for (let i = levels.length - 1; i >= 0; i--) {
    const include = levels[i]!.findLast(
      (directive) =>
        directive.name === "include" &&
        directive.unresolved &&
        !HARMLESS_INCLUDE.test(directive.args[0] ?? ""),
    );
    if (include) return include;
  }
  return undefined;
}

/** Visits every block directive (not Lua bodies) with its scope, depth first, in file order. */
export function walkBlocks(root: NginxDirective[], visit: (scope: Scope) => void): void {
  const descend = (children: NginxDirective[], scope: Scope) => {
    for (const directive of children) {
      if (!isBlock(directive) || directive.rawBody !== undefined) continue;
      const inner = childScope(scope, directive);
      visit(inner);
      descend(directive.block, inner);
    }
  };
  descend(root, { root, path: [] });
}

/** Every directive with the scope that encloses it. */
export function walkDirectives(
  root: NginxDirective[],
  visit: (directive: NginxDirective, scope: Scope) => void,
): void {
  const top: Scope = { root, path: [] };
  for (const directive of root) visit(directive, top);
  walkBlocks(root, (scope) => {
    for (const directive of scope.path[scope.path.length - 1]!.block ?? []) visit(directive, scope);
  });
}
