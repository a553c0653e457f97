/**
 * Which nginx variables the client controls, followed through `map` and `set`:
 * a map whose input the client controls lets the client pick its output, and a `set`
 * inside an `if` that tests a client value runs when the client chooses.
 */
import type { NginxConfig, NginxDirective } from "./model.js";
import { perConfig } from "./memo.js";
import { walkDirectives } from "./scope.js";

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

export function variablesIn(value: string): string[] {
  return [...value.matchAll(VARIABLE)].map((match) => (match[1] ?? match[2]!).toLowerCase());
}

interface Definition {
  /** Expressions the variable's value is built from. */
  values: string[];
  /** Expressions that decide which of those values applies (a map's input, an if's condition). */
  selectors: string[];
}

export class VariableIndex {
  private readonly definitions = new Map<string, Definition[]>();
  private readonly memo = new Map<string, string[]>();

  constructor(root: NginxDirective[]) {
    walkDirectives(root, (directive, scope) => {
      if (directive.name === "map" && directive.block && directive.args.length === 2) {
        const values = directive.block
          .filter((entry) => entry.args.length > 0)
          .map((entry) => entry.args[0]!);
        this.define(directive.args[1]!, {
          values,
          selectors: distinct(values) > 1 ? [directive.args[0]!] : [],
        });
      } else if (directive.name === "set" && directive.args.length === 2) {
        const conditions = scope.path
          .filter((block) => block.name === "if")
          .map((block) => block.args.join(" "));
        this.define(directive.args[0]!, { values: [directive.args[1]!], selectors: conditions });
      }
    });
  }

  private define(variable: string, definition: Definition): void {
    const name = variable.replace(/^\$/, "").toLowerCase();
    this.definitions.set(name, [...(this.definitions.get(name) ?? []), definition]);
  }

  /** The client-controlled request variables an expression depends on, directly or not. */
  clientSources(expression: string, depth = 0): string[] {
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
        for (const source of this.clientSources(expression, depth + 1)) found.add(source);
      }
    }
    const result = [...found];
    this.memo.set(name, result);
    return result;
  }
}

function distinct(values: string[]): number {
  return new Set(values).size;
}

export const variableIndex = perConfig((config: NginxConfig) => new VariableIndex(config.root));
