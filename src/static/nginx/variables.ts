/**
 * Which nginx variables the client controls, followed through `map` and `set`:
 * a map whose input the client controls lets the client pick its output, and a `set`
 * inside an `if` that tests a client value runs when the client chooses.
 */
import {
  connectionValue,
  describeCondition,
  ifCondition,
  isPeerVariable,
  singleVariable,
  type Connection,
  type IfCondition,
  type Picker,
} from "./conditions.js";
import type { NginxConfig, NginxDirective } from "./model.js";
import { perConfig } from "../memo.js";
import { forEachNamed, type Scope } from "./scope.js";

/** Variables whose value is read straight from the request as the client sent it. */
function isRequestVariable(name: string): boolean {
  return (
    /^(http|arg|cookie|sent_http)_/.test(name) ||
    ["args", "query_string", "request_uri", "request", "request_body", "proxy_add_x_forwarded_for"].includes(
      name,
    )
  );
}

const MAX_CHAIN = 100;

const VARIABLE = /\$(?:\{(\w+)\}|(\w+))/g;

function variablesIn(value: string): string[] {
  return [...value.matchAll(VARIABLE)].map((match) => (match[1] ?? match[2]!).toLowerCase());
}

/** One branch of a `map` or `geo`: the value it gives and when. */
interface Branch {
  value: string;
  /** The entry's key as written: "default", "" (the input is empty), a value, a CIDR. */
  key: string;
}

/** A variable defined by one `map` or `geo`: its input, and every branch. */
interface Switch {
  /** The expression that picks the branch: a map's input, a geo's address ($remote_addr by default). */
  selector: string;
  kind: "map" | "geo";
  branches: Branch[];
  directive: NginxDirective;
}

/** Block entries of a map or geo that are settings, not branches. */
const SWITCH_SETTINGS = new Set([
  "hostnames",
  "volatile",
  "include",
  "proxy",
  "proxy_recursive",
  "ranges",
  "delete",
]);

function switchOf(directive: NginxDirective): Switch | undefined {
  if (!directive.block) return undefined;
  const kind = directive.name === "map" ? "map" : directive.name === "geo" ? "geo" : undefined;
  if (!kind) return undefined;
  const [first, second] = directive.args;
  if (kind === "map" && (directive.args.length !== 2 || !first || !second)) return undefined;
  const selector = kind === "geo" && directive.args.length === 1 ? "$remote_addr" : first;
  if (!selector || directive.args.length > 2) return undefined;
  const branches = directive.block
    .filter((entry) => !SWITCH_SETTINGS.has(entry.name) && entry.args.length > 0)
    .map((entry) => ({ key: entry.name, value: entry.args[0]! }));
  return { selector, kind, branches, directive };
}

/** Where a map or geo copies the client's value, and what the other branches give. */
export interface ClientBranches {
  sources: string[];
  /** When a copying branch is taken: "$http_x_forwarded_proto is not empty", "$realip_remote_addr is in 10.0.0.0/8". */
  when: string;
  /** True when the client's own request picks the branch (a map over its header); false when the peer's address does. */
  pickedByClient: boolean;
  /** The value nginx writes itself when the client sends nothing (pickedByClient) or the peer is another. */
  fallback?: string;
  /** For messages: "copied from $http_x_forwarded_proto when … (map at file:line), else $scheme". */
  description: string;
}

/** One value a `set` variable may have on a route, and the `if` that chooses it (none: the value it has otherwise). */
interface ValueBranch {
  value: string;
  condition?: IfCondition;
}

/** What a `set` variable gives on one route and connection: one value whatever the request, or a client-controlled one. */
export type RouteValue = { kind: "fixed"; value: string } | ({ kind: "client" } & ClientBranches);

interface Definition {
  /** Expressions the variable's value is built from. */
  values: string[];
  /** Expressions that decide which of those values applies (a map's input, an if's condition). */
  selectors: string[];
}

export class VariableIndex {
  private readonly definitions = new Map<string, Definition[]>();
  private readonly switches = new Map<string, Switch[]>();
  private readonly memo = new Map<string, string[]>();
  /** clientSources' answers, per expression: once a variable's sources are known they never change. */
  private readonly expressionSources = new Map<string, string[]>();
  /** Variables some `set` writes: a route's rewrites are run only for those. */
  private readonly setVariables = new Set<string>();

  constructor(root: NginxDirective[]) {
    forEachNamed(root, ["map", "geo", "set"], (directive, scope) => {
      const defined = switchOf(directive);
      if (defined) {
        const values = defined.branches.map((branch) => branch.value);
        const variable = directive.args[directive.args.length - 1]!;
        this.define(variable, { values, selectors: distinct(values) > 1 ? [defined.selector] : [] });
        const name = variableName(variable);
        this.switches.set(name, [...(this.switches.get(name) ?? []), defined]);
      } else if (directive.name === "set" && directive.args[0] !== undefined) {
        this.setVariables.add(variableName(directive.args[0]));
        if (directive.args.length !== 2) return;
        const conditions = scope.path
          .filter((block) => block.name === "if")
          .map((block) => block.args.join(" "));
        this.define(directive.args[0], { values: [directive.args[1]!], selectors: conditions });
      }
    });
  }

  private define(variable: string, definition: Definition): void {
    const name = variableName(variable);
    this.definitions.set(name, [...(this.definitions.get(name) ?? []), definition]);
  }

  /** The map or geo an expression is, when it is exactly one variable defined once by one. */
  private switchOf(expression: string): Switch | undefined {
    const name = singleVariable(expression);
    if (!name || (this.definitions.get(name)?.length ?? 0) !== 1) return undefined;
    return this.switches.get(name)?.[0];
  }

  /**
   * For an expression that is a map or geo whose branches differ in origin: which branches copy the
   * client's value and when, and the value of the others. Undefined for anything else.
   */
  clientBranches(expression: string): ClientBranches | undefined {
    const sw = this.switchOf(expression);
    if (!sw) return undefined;
    const copying = sw.branches.filter((b) => this.clientSources(b.value).length > 0);
    const own = sw.branches.filter((b) => !copying.includes(b));
    if (copying.length === 0 || own.length === 0) return undefined;
    const sources = [...new Set(copying.flatMap((b) => this.clientSources(b.value)))];
    const when = copying.map((b) => this.condition(sw, b)).join(" or ");
    const pickedByClient = this.clientSources(sw.selector).length > 0;
    // Without the header, a map over it takes its "" branch, else its default; other peers the default.
    const fallback =
      (pickedByClient ? own.find((b) => b.key === "") : undefined) ?? own.find((b) => b.key === "default");
    const where = `${sw.kind} at ${sw.directive.file}:${sw.directive.line}`;
    return {
      sources,
      when,
      pickedByClient,
      ...(fallback ? { fallback: fallback.value } : {}),
      description: `copied from ${sources.join(", ")} when ${when} (${where})${fallback ? `, else ${fallback.value}` : ""}`,
    };
  }

  /** What an `if` on this variable depends on: the client's request, the peer's address, or neither. */
  private picker(name: string): Picker {
    if (this.clientSources(`$${name}`).length > 0) return "client";
    const sw = this.switchOf(`$${name}`);
    const selector = sw?.selector ?? "";
    // A peer variable's maps and geos are picked by the peer's address, not the client's request.
    return isPeerVariable(singleVariable(selector) ?? "") || (sw && this.switchOf(selector)?.kind === "geo")
      ? "peer"
      : "other";
  }

  private readonly conditions = new WeakMap<NginxDirective, IfCondition>();

  /** An `if` block's condition, read once. */
  conditionOf(block: NginxDirective): IfCondition {
    let condition = this.conditions.get(block);
    if (!condition) {
      condition = ifCondition(block, (name) => this.picker(name));
      this.conditions.set(block, condition);
    }
    return condition;
  }

  /**
   * The values a variable written by `set` has on a route: the rewrite directives of its server block, then of
   * its innermost location, run in order; an `if` the connection decides (or, for an honest client that sends
   * no forwarding headers, the client's request) is followed or skipped, the others become branches.
   * Undefined when no `set` for it runs there.
   */
  private routeBranches(
    scope: Scope,
    name: string,
    connection: Connection,
    honest: boolean,
  ): ValueBranch[] | undefined {
    const variable = name.toLowerCase();
    if (!this.setVariables.has(variable)) return undefined;
    const server = scope.path.findLastIndex((block) => block.name === "server");
    if (server === -1) return undefined;
    const location = scope.path.findLast((block) => block.name === "location");
    const levels = [scope.path[server]!.block ?? [], ...(location ? [location.block ?? []] : [])];
    return runRewrites(levels, variable, (block) => this.conditionOf(block), connection, honest);
  }

  /**
   * What an expression that is one `set` variable gives on a route and connection; undefined for anything
   * else, or when its value depends on something other than the client (a peer's value is only the peer's).
   */
  routeValue(scope: Scope, expression: string, connection: Connection): RouteValue | undefined {
    const variable = singleVariable(expression);
    const branches = variable ? this.routeBranches(scope, variable, connection, false) : undefined;
    if (!variable || !branches) return undefined;
    const values = branches.map((b) => onConnection(b.value, connection));
    const copies = (b: ValueBranch) => this.clientSources(b.value).length > 0;
    const picked = distinct(values) > 1;
    const controlled = branches.filter((b) => copies(b) || (picked && b.condition?.picker === "client"));
    if (controlled.length === 0) {
      return distinct(values) === 1 && !values[0]!.includes("$")
        ? { kind: "fixed", value: values[0]! }
        : undefined;
    }
    const conditions = branches.flatMap((b) => (b.condition ? [b.condition] : []));
    const peerOnly = controlled.every((b) =>
      b.condition
        ? b.condition.picker === "peer"
        : conditions.length > 0 && conditions.every((c) => c.picker === "peer"),
    );
    const whenOf = (b: ValueBranch) =>
      b.condition
        ? describeCondition(b.condition)
        : `no other branch applies (${conditions.map(describeCondition).join(" or ")})`;
    const honest = peerOnly
      ? branches.filter((b) => !copies(b))
      : this.routeBranches(scope, variable, connection, true);
    const fallback = honest?.length === 1 || peerOnly ? honest?.find((b) => !copies(b))?.value : undefined;
    const sources = [
      ...new Set(
        controlled.flatMap((b) => [
          ...this.clientSources(b.value),
          ...(b.condition?.picker === "client" ? this.clientSources(b.condition.text) : []),
        ]),
      ),
    ];
    const when = controlled.map(whenOf).join(" or ");
    const parts = controlled.map(
      (b) =>
        `${copies(b) ? `copied from ${this.clientSources(b.value).join(", ")}` : `set to "${b.value}"`} when ${whenOf(b)}`,
    );
    return {
      kind: "client",
      sources,
      when,
      pickedByClient: !peerOnly,
      ...(fallback !== undefined ? { fallback } : {}),
      description: `${parts.join(" or ")}${fallback !== undefined ? `, else ${fallback === "" ? "empty" : fallback}` : ""}`,
    };
  }

  /** "$http_x_forwarded_proto is empty", "$realip_remote_addr is in 10.0.0.0/8", for one branch. */
  private condition(sw: Switch, branch: Branch): string {
    const others = sw.branches.filter((b) => b.key !== "default").map((b) => b.key);
    if (branch.key === "default") {
      return others.length === 1 && others[0] === ""
        ? `${sw.selector} is not empty`
        : `${sw.selector} matches none of ${others.map((k) => `"${k}"`).join(", ")}`;
    }
    if (branch.key === "") return `${sw.selector} is empty`;
    // A map over a geo's output: name the addresses, which are what decides.
    const inner = this.switchOf(sw.selector);
    if (sw.kind === "map" && inner?.kind === "geo") {
      const ranges = inner.branches.filter((b) => b.value === branch.key).map((b) => b.key);
      if (ranges.length > 0 && !ranges.includes("default"))
        return `${inner.selector} is in ${ranges.join(", ")}`;
    }
    return sw.kind === "geo" ? `${sw.selector} is in ${branch.key}` : `${sw.selector} is "${branch.key}"`;
  }

  /**
   * The client-controlled request variables an expression depends on, directly or not. Rules ask
   * about the same few values (`$scheme`, `$remote_addr`) for every route, so each answer is kept and
   * shared: callers must not change it.
   */
  clientSources(expression: string): string[] {
    let sources = this.expressionSources.get(expression);
    if (!sources) this.expressionSources.set(expression, (sources = this.sourcesIn(expression, 0)));
    return sources;
  }

  private sourcesIn(expression: string, depth: number): string[] {
    const found = new Set<string>();
    for (const name of variablesIn(expression))
      for (const source of this.sourcesOf(name, depth)) found.add(source);
    return [...found];
  }

  private sourcesOf(name: string, depth: number): string[] {
    const known = this.memo.get(name);
    if (known) return known;
    const found = new Set<string>();
    if (isRequestVariable(name)) found.add(`$${name}`);
    // Chains of set/map this long do not occur in real configs; stopping keeps the stack bounded.
    if (depth > MAX_CHAIN) return [...found];
    this.memo.set(name, []); // breaks cycles like `set $a $b; set $b $a;`
    for (const definition of this.definitions.get(name) ?? []) {
      for (const expression of [...definition.values, ...definition.selectors]) {
        for (const source of this.sourcesIn(expression, depth + 1)) found.add(source);
      }
    }
    const result = [...found];
    this.memo.set(name, result);
    return result;
  }
}

/** A variable as `set`, `map` and `geo` name it (`$Forwarded_Proto`), as the index keys it: `forwarded_proto`. */
function variableName(written: string): string {
  return written.replace(/^\$/, "").toLowerCase();
}

/** Runs `set` and `if` in the order nginx's rewrite phase does; see VariableIndex.routeBranches. */
function runRewrites(
  levels: NginxDirective[][],
  name: string,
  conditionOf: (block: NginxDirective) => IfCondition,
  connection: Connection,
  honest: boolean,
): ValueBranch[] | undefined {
  let branches: ValueBranch[] | undefined;
  const assign = (directive: NginxDirective, condition: IfCondition | undefined) => {
    if (directive.name !== "set" || variableName(directive.args[0] ?? "") !== name) return;
    const value = directive.args[1] ?? "";
    const holds = condition?.holds(connection, honest);
    if (holds === false) return;
    if (!condition || holds === true) branches = [{ value }];
    else branches = [{ value, condition }, ...(branches ?? [{ value: "" }])];
  };
  for (const level of levels) {
    for (const directive of level) {
      if (directive.name === "if" && directive.block) {
        const condition = conditionOf(directive);
        for (const inner of directive.block) assign(inner, condition);
      } else assign(directive, undefined);
    }
  }
  return branches;
}

/** $scheme and $https written out for one kind of connection. */
function onConnection(value: string, connection: Connection): string {
  return value.replace(
    VARIABLE,
    (written, braced?: string, bare?: string) => connectionValue(braced ?? bare ?? "", connection) ?? written,
  );
}

function distinct(values: string[]): number {
  return new Set(values).size;
}

export const variableIndex = perConfig((config: NginxConfig) => new VariableIndex(config.root));
