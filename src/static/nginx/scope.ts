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

/** One shared empty answer: most lookups find nothing, and each would otherwise allocate. */
const NONE: readonly NginxDirective[] = Object.freeze([]);

/** The children of the level `index` of a scope: -1 is the top level, then each block of the path. */
function levelAt(scope: Scope, index: number): readonly NginxDirective[] {
  return index < 0 ? scope.root : (scope.path[index]!.block ?? NONE);
}

const levelIndexes = new WeakMap<readonly NginxDirective[], Map<string, NginxDirective[]>>();
/** Below this many directives a scan is cheaper than building and keeping an index. */
const SMALL_LEVEL = 32;

/**
 * The directives called `name` in one level, in order. An http block can hold thousands of
 * servers and every location looks up through it, so each large level is indexed by name once.
 */
export function named(level: readonly NginxDirective[], name: string): readonly NginxDirective[] {
  if (level.length <= SMALL_LEVEL) {
    let found: NginxDirective[] | undefined;
    for (const directive of level) if (directive.name === name) (found ??= []).push(directive);
    return found ?? NONE;
  }
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
  return index.get(name) ?? NONE;
}

/**
 * The innermost level of a scope that has any directive called `name`, and those directives:
 * nginx's rule for which list is in effect. The level identifies the list for caches.
 */
export function inheritedLevel(
  scope: Scope,
  name: string,
  /** The innermost block of the path to look in: the parent's list is what a block inherits. */
  innermost = scope.path.length - 1,
): { level: readonly NginxDirective[]; found: readonly NginxDirective[] } | undefined {
  for (let i = innermost; i >= -1; i--) {
    const level = levelAt(scope, i);
    const found = named(level, name);
    if (found.length > 0) return { level, found };
  }
  return undefined;
}

/** The list of directives in effect: the innermost level that has any directive called `name`. */
export function inheritedList(
  scope: Scope,
  name: string,
  innermost = scope.path.length - 1,
): readonly NginxDirective[] {
  return inheritedLevel(scope, name, innermost)?.found ?? NONE;
}

/** The innermost (and, within a level, last) directive called `name`. */
export function inheritedValue(scope: Scope, name: string): NginxDirective | undefined {
  return inheritedList(scope, name).at(-1);
}

/** mime.types holds a `types` block only; not having read it changes nothing we judge. */
const HARMLESS_INCLUDE = /(^|\/)mime\.types$/;

/** The innermost include in or around this scope that could not be read: what it held is unknown. */
export function unreadIncludeInScope(scope: Scope): NginxDirective | undefined {
  for (let i = scope.path.length - 1; i >= -1; i--) {
    const include = named(levelAt(scope, i), "include").findLast(
      (directive) => directive.unresolved && !HARMLESS_INCLUDE.test(directive.args[0] ?? ""),
    );
    if (include) return include;
  }
  return undefined;
}

/** Every block of a tree with its scope, and where each block's scope sits among them. */
interface BlockTree {
  top: Scope;
  /** Depth first, in file order: a block's descendants follow it. */
  scopes: Scope[];
  /** Where each scope is in `scopes` (made when first asked for). */
  positions?: Map<Scope, number>;
  /**
   * Per directive name, the positions in `scopes` of the blocks holding one (-1: the top level),
   * ascending (made when first asked for): rules looking for a few names read only those blocks.
   */
  holders?: Map<string, number[]>;
}

const blockTrees = new WeakMap<NginxDirective[], BlockTree>();

function blockTree(root: NginxDirective[]): BlockTree {
  const cached = blockTrees.get(root);
  if (cached) return cached;
  const top: Scope = { root, path: [] };
  const scopes: Scope[] = [];
  const descend = (children: NginxDirective[], path: NginxDirective[]) => {
    for (const directive of children) {
      if (!isBlock(directive) || directive.rawBody !== undefined) continue;
      // concat sizes the array exactly; a spread leaves room for growth in each of thousands of paths.
      const inner: Scope = { root, path: path.concat(directive) };
      scopes.push(inner);
      descend(directive.block, inner.path);
    }
  };
  descend(root, top.path);
  const tree = { top, scopes };
  blockTrees.set(root, tree);
  return tree;
}

/**
 * Every block directive under `root` (not Lua bodies) with its scope, depth first, in file
 * order. Computed once per tree: every rule walks the same tree.
 */
export function blockScopes(root: NginxDirective[]): Scope[] {
  return blockTree(root).scopes;
}

/**
 * The scopes of the blocks nested inside `scope`'s innermost block. For a scope of the tree's own,
 * these are the ones blockScopes(scope.root) holds: asking about a server's locations reuses the
 * whole tree's scopes instead of making new ones.
 */
export function innerScopes(scope: Scope): Scope[] {
  const tree = blockTree(scope.root);
  if (scope.path.length === 0) return tree.scopes;
  const position = (tree.positions ??= scopePositions(tree.scopes)).get(scope);
  // Scopes come from blockScopes (servers, routes and walks all start there); any other is a bug.
  if (position === undefined) throw new Error("innerScopes was given a scope not taken from blockScopes");
  let end = position + 1;
  while (end < tree.scopes.length && tree.scopes[end]!.path.length > scope.path.length) end++;
  return tree.scopes.slice(position + 1, end);
}

function scopePositions(scopes: readonly Scope[]): Map<Scope, number> {
  const positions = new Map<Scope, number>();
  for (let position = 0; position < scopes.length; position++) positions.set(scopes[position]!, position);
  return positions;
}

export function walkBlocks(root: NginxDirective[], visit: (scope: Scope) => void): void {
  for (const scope of blockScopes(root)) visit(scope);
}

/** The directives directly in a scope's innermost block (the top level's for the top scope). */
function ownDirectives(scope: Scope): readonly NginxDirective[] {
  return levelAt(scope, scope.path.length - 1);
}

/** Every directive in or below a scope's innermost block (the whole tree for the top level), with its scope. */
export function walkDirectivesIn(
  scope: Scope,
  visit: (directive: NginxDirective, scope: Scope) => void,
): void {
  for (const directive of ownDirectives(scope)) visit(directive, scope);
  for (const inner of innerScopes(scope))
    for (const directive of ownDirectives(inner)) visit(directive, inner);
}

/** Every directive with the scope that encloses it: the top level first, then each block's, depth first. */
export function walkDirectives(
  root: NginxDirective[],
  visit: (directive: NginxDirective, scope: Scope) => void,
): void {
  walkDirectivesIn(blockTree(root).top, visit);
}

function holdersByName(tree: BlockTree): Map<string, number[]> {
  const holders = new Map<string, number[]>();
  const note = (directives: readonly NginxDirective[], position: number) => {
    for (const directive of directives) {
      const positions = holders.get(directive.name);
      if (positions === undefined) holders.set(directive.name, [position]);
      else if (positions[positions.length - 1] !== position) positions.push(position);
    }
  };
  note(tree.top.root, -1);
  for (let position = 0; position < tree.scopes.length; position++)
    note(ownDirectives(tree.scopes[position]!), position);
  return holders;
}

/** The positions of the blocks holding any of these names, ascending, each once. */
function holderPositions(tree: BlockTree, names: readonly string[]): readonly number[] {
  const holders = (tree.holders ??= holdersByName(tree));
  if (names.length === 1) return holders.get(names[0]!) ?? [];
  const merged = new Set(names.flatMap((name) => holders.get(name) ?? []));
  return [...merged].sort((a, b) => a - b);
}

/**
 * walkDirectives, visiting only the directives with one of these names, in the same order. Rules that
 * look for a few names ask this; it reads only the blocks that hold one.
 */
export function forEachNamed(
  root: NginxDirective[],
  names: readonly string[],
  visit: (directive: NginxDirective, scope: Scope) => void,
): void {
  const tree = blockTree(root);
  const wanted = new Set(names);
  for (const position of holderPositions(tree, names)) {
    const scope = position < 0 ? tree.top : tree.scopes[position]!;
    for (const directive of ownDirectives(scope)) if (wanted.has(directive.name)) visit(directive, scope);
  }
}
