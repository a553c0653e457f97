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

const levelIndexes = new WeakMap<NginxDirective[], Map<string, NginxDirective[]>>();
/** Below this many directives a scan is cheaper than building and keeping an index. */
const SMALL_LEVEL = 32;

/**
 * The directives called `name` in one level, in order. An http block can hold thousands of
 * servers and every location looks up through it, so each level is indexed by name once.
 */
export function named(level: NginxDirective[], name: string): NginxDirective[] {
  if (level.length <= SMALL_LEVEL) return level.filter((directive) => directive.name === name);
  let index = levelIndexes.get(level);
  if (!index) {
    index = new Map();
    for (const directive of level) {
      const list = index.get(directive.name);
      if (list) list.push(directive);
      else index.set(directive.name, [directive]);
    }
    levelIndexes.set(level, index);
  }
  return index.get(name) ?? [];
}

const inheritedCache = new WeakMap<Scope, Map<string, NginxDirective[]>>();

/** The list of directives in effect: the innermost level that has any directive called `name`. */
export function inheritedList(scope: Scope, name: string): NginxDirective[] {
  let perName = inheritedCache.get(scope);
  if (!perName) inheritedCache.set(scope, (perName = new Map()));
  const cached = perName.get(name);
  if (cached) return cached;
  let found: NginxDirective[] = [];
  const levels = levelsOf(scope);
  for (let i = levels.length - 1; i >= 0 && found.length === 0; i--) found = named(levels[i]!, name);
  perName.set(name, found);
  return found;
}

/** The innermost (and, within a level, last) directive called `name`. */
export function inheritedValue(scope: Scope, name: string): NginxDirective | undefined {
  return inheritedList(scope, name).at(-1);
}

/** mime.types holds a `types` block only; not having read it changes nothing we judge. */
const HARMLESS_INCLUDE = /(^|\/)mime\.types$/;

/** The innermost include in or around this scope that could not be read: what it held is unknown. */
export function unreadIncludeInScope(scope: Scope): NginxDirective | undefined {
  const levels = levelsOf(scope);
  for (let i = levels.length - 1; i >= 0; i--) {
    const include = named(levels[i]!, "include").findLast(
      (directive) => directive.unresolved && !HARMLESS_INCLUDE.test(directive.args[0] ?? ""),
    );
    if (include) return include;
  }
  return undefined;
}

const blockScopeCache = new WeakMap<NginxDirective[], Scope[]>();

/**
 * Every block directive under `root` (not Lua bodies) with its scope, depth first, in file
 * order. Computed once per tree: every rule walks the same tree.
 */
export function blockScopes(root: NginxDirective[]): Scope[] {
  const cached = blockScopeCache.get(root);
  if (cached) return cached;
  const scopes: Scope[] = [];
  const descend = (children: NginxDirective[], scope: Scope) => {
    for (const directive of children) {
      if (!isBlock(directive) || directive.rawBody !== undefined) continue;
      const inner = childScope(scope, directive);
      scopes.push(inner);
      descend(directive.block, inner);
    }
  };
  descend(root, { root, path: [] });
  blockScopeCache.set(root, scopes);
  return scopes;
}

export function walkBlocks(root: NginxDirective[], visit: (scope: Scope) => void): void {
  for (const scope of blockScopes(root)) visit(scope);
}

/** Every directive with the scope that encloses it. */
export function walkDirectives(
  root: NginxDirective[],
  visit: (directive: NginxDirective, scope: Scope) => void,
): void {
  const top: Scope = { root, path: [] };
  for (const directive of root) visit(directive, top);
  for (const scope of blockScopes(root)) {
    for (const directive of scope.path[scope.path.length - 1]!.block ?? []) visit(directive, scope);
  }
}
