/**
 * Static evaluator for module-level Python: Django settings modules and gunicorn.conf.py.
 * Nothing is executed. Public API (stable; src/static/gunicorn/ relies on it):
 *
 *   evaluatePythonModule(file: string): Promise<PythonModule>
 *     Reads `file`, follows `from .x import *`, `from pkg.mod import *` (searched upward from
 *     the file's directory), named imports (`from .base import X`, `from . import base` then
 *     `base.X`, `import pkg.mod as m`) and split_settings include(), and returns every
 *     module-level name. A name imported from a module that is not read is unknown, never unset.
 *   evaluatePythonSource(source: string, file: string, environment?): PythonModule
 *     The same for text already in memory; imports are still resolved next to `file`.
 *
 *   PythonModule.bindings: name -> { name, values: PossibleValue[], location }
 *     `values` holds every value the name can take (one per if/elif/else branch, deduplicated);
 *     each is a Python value, an env value ({ kind: "env", env, default?, cast }), `unset`
 *     (not assigned on some path) or `unknown` with a reason. See settings-model.ts.
 *   PythonModule.diagnostics: syntax errors, unreadable files, import cycles... with file:line.
 *   PythonModule.unresolvedImports: unconditional star imports that could not be read.
 *
 * Bad input never throws: it becomes a diagnostic and `unknown` values. Work is linear in the
 * input: each statement is visited once, branches are copy-on-write and values are capped.
 */
import { statSync } from "node:fs";
import path from "node:path";
import type * as LezerPython from "@lezer/python";
import type { SyntaxNode } from "@lezer/common";
import { describeFileError } from "../../file-error.js";
import { lazyPackage } from "../../lazy-package.js";
import { readAtMost } from "../../read-file.js";
import type { SourceLocation } from "../../report/model.js";
import type { EnvCast, PossibleValue, PythonDiagnostic, Setting } from "./settings-model.js";
import {
  type Alternatives,
  type EnvSchemaEntry,
  type ModuleValue,
  type Value,
  MAX_ALTERNATIVES,
  WorkBudgetExceeded,
  addWork,
  asData,
  capAlternatives,
  charge,
  combine,
  startWork,
  deploymentValue,
  deploymentVariablesRead,
  useDeploymentEnvironment,
  isData,
} from "./internal.js";
import { decodeNumber, decodeString, unescape } from "./literals.js";
import {
  MUTATING_METHODS,
  binaryOp,
  callBuiltin,
  callMethod,
  compare,
  liftEnv,
  mutate,
  parseBool,
  setItem,
  subscript,
  toStr,
  unaryOp,
} from "./operations.js";
import { type Binding, Scope } from "./scope.js";
import { NONE, bool, str, truthy, unknown } from "./values.js";

export interface PythonClass {
  name: string;
  location: SourceLocation;
  /** Upper-case names assigned in the class body (class-based settings). */
  assigns: string[];
}

export interface PythonModule {
  file: string;
  bindings: ReadonlyMap<string, Setting>;
  files: string[];
  diagnostics: PythonDiagnostic[];
  unresolvedImports: SourceLocation[];
  classes: PythonClass[];
  /** Variables read from the deployment's environment rather than left symbolic. */
  deploymentVariables?: string[];
}

const python = lazyPackage<typeof LezerPython>("@lezer/python");
const MAX_FILE_BYTES = 5 * 1024 * 1024;
const MAX_FILES = 200;
/** Work allowed: a fixed allowance plus so much per character read, so the total is linear in the input. */
const BASE_WORK = 200_000;
const WORK_PER_CHARACTER = 50;
const MAX_STATEMENT_NESTING = 40;
const MAX_EXPRESSION_DEPTH = 100;
const MAX_SYNTAX_ERRORS = 10;

const BUILTINS = new Set([
  "str",
  "int",
  "float",
  "bool",
  "list",
  "tuple",
  "dict",
  "len",
  "filter",
  "sorted",
  "set",
  "frozenset",
  "print",
  "open",
  "getattr",
  "range",
  "map",
  "any",
  "all",
  "isinstance",
]);

const ENV_READER_CLASS = /^environ\.(\w+\.)?(Env|FileAwareEnv)$/;

const CAST_NAMES: Record<string, EnvCast> = {
  bool: "bool",
  int: "int",
  float: "int",
  str: "str",
  list: "list",
  tuple: "list",
};

interface Shared {
  files: string[];
  diagnostics: PythonDiagnostic[];
  unresolvedImports: SourceLocation[];
  classes: PythonClass[];
  /** Modules already evaluated (or being evaluated: undefined marks an import cycle). */
  modules: Map<string, Scope | undefined>;
  /** Module namespaces any name may come into through an unresolved star import, and where it is. */
  hiddenSources: WeakMap<Scope, SourceLocation>;
}

function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling)
    if (child.name !== "Comment") out.push(child);
  return out;
}

const PUNCTUATION = new Set(["(", ")", "[", "]", "{", "}", ",", ":", ".", "AssignOp", ";"]);

function isExpressionNode(node: SyntaxNode): boolean {
  return !PUNCTUATION.has(node.name) && node.name !== "TypeDef";
}

function isSettingName(name: string): boolean {
  return /^[A-Z][A-Z0-9_]*$/.test(name);
}

function lineStarts(source: string): number[] {
  const starts = [0];
  for (let i = source.indexOf("\n"); i >= 0; i = source.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

/** Reads a source file, or records why it cannot be read. */
function readSource(file: string, shared: Shared, from: SourceLocation | undefined): string | undefined {
  const fail = (message: string): undefined => {
    shared.diagnostics.push({ ...(from ?? { file, line: 1 }), severity: "error", message });
    return undefined;
  };
  try {
    const bytes = readAtMost(file, MAX_FILE_BYTES);
    if (bytes.subarray(0, 8192).includes(0)) return fail(`${file}: binary file, not Python source`);
    shared.files.push(file);
    return bytes.toString("utf8");
  } catch (error) {
    return fail(`${file}: cannot read (${describeFileError(error)})`);
  }
}

function isFile(candidate: string): boolean {
  try {
    return statSync(candidate).isFile();
  } catch {
    return false;
  }
}

class FileEvaluator {
  private readonly starts: number[];
  /** Inside if/try/for: a missing import there is optional, not a hole in the settings. */
  private conditional = 0;
  private nesting = 0;
  /** The module namespace (an included file shares its includer's). */
  private readonly namespace: Scope;

  constructor(
    private readonly shared: Shared,
    private readonly file: string,
    private readonly source: string,
    private scope: Scope,
  ) {
    this.starts = lineStarts(source);
    this.namespace = scope;
  }

  private get unresolvedStar(): SourceLocation | undefined {
    return this.shared.hiddenSources.get(this.namespace);
  }

  private hideNamesBehind(location: SourceLocation): void {
    if (!this.unresolvedStar) this.shared.hiddenSources.set(this.namespace, location);
  }

  run(): void {
    const tree = python().parser.parse(this.source);
    this.reportSyntaxErrors(tree.topNode);
    this.statements(children(tree.topNode));
  }

  private at(node: SyntaxNode): SourceLocation {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid]! <= node.from) low = mid;
      else high = mid - 1;
    }
    return { file: this.file, line: low + 1, column: node.from - this.starts[low]! + 1 };
  }

  private text(node: SyntaxNode): string {
    return this.source.slice(node.from, node.to);
  }

  private diagnose(node: SyntaxNode, severity: "error" | "warning", message: string): void {
    const { file, line } = this.at(node);
    this.shared.diagnostics.push({ file, line, severity, message });
  }

  private reportSyntaxErrors(top: SyntaxNode): void {
    const templated = /\{%|\{\{/.test(this.source);
    const lines = new Set<number>();
    const cursor = top.cursor();
    do {
      if (!cursor.type.isError || this.spuriousError(cursor.node)) continue;
      const line = this.at(cursor.node).line;
      if (lines.has(line)) continue;
      lines.add(line);
      if (lines.size > MAX_SYNTAX_ERRORS) break;
      const hint = templated ? " (the file looks like an unrendered Jinja template)" : "";
      this.diagnose(
        cursor.node,
        "error",
        `Python syntax error${hint}: values on this line are not evaluated`,
      );
    } while (cursor.next());
  }

  /**
   * @lezer/python (1.1.19) can mark the line break between two top-level statements of a long module
   * as an error where CPython reads the file: DefectDojo's settings.dist.py at line 1774. Read on its
   * own, the stretch from the statement before to the one after then has no error; a real one does.
   */
  private spuriousError(node: SyntaxNode): boolean {
    if (!node.parent?.type.isTop) return false;
    const from = node.prevSibling?.from ?? node.from;
    const to = node.nextSibling?.to ?? node.to;
    let clean = true;
    python()
      .parser.parse(this.source.slice(from, to))
      .iterate({ enter: (inner) => (clean &&= !inner.type.isError) });
    return clean;
  }

  private step(): void {
    charge(1);
  }

  private bind(name: string, values: Alternatives, node: SyntaxNode): void {
    this.scope.set({ name, values: capAlternatives(values), location: this.at(node) });
  }

  // ---- statements ----

  private statements(nodes: SyntaxNode[]): void {
    for (const node of nodes) {
      if (this.scope.terminated) return;
      this.statement(node);
    }
  }

  private body(node: SyntaxNode | undefined): void {
    if (!node) return;
    if (this.nesting >= MAX_STATEMENT_NESTING) {
      this.diagnose(
        node,
        "error",
        `statements nested deeper than ${MAX_STATEMENT_NESTING} levels are not evaluated`,
      );
      return;
    }
    this.nesting++;
    try {
      this.statements(children(node).filter((c) => c.name !== ":"));
    } finally {
      this.nesting--;
    }
  }

  /** Runs each body on its own branch of the current scope, then merges. */
  private branches(bodies: ((scope: Scope) => void)[]): Scope[] {
    const parent = this.scope;
    const scopes = bodies.map((run) => {
      const branch = parent.branch();
      this.scope = branch;
      this.conditional++;
      try {
        run(branch);
      } finally {
        this.conditional--;
        this.scope = parent;
      }
      return branch;
    });
    parent.merge(scopes);
    return scopes;
  }

  private statement(node: SyntaxNode): void {
    this.step();
    switch (node.name) {
      case "StatementGroup":
        return this.statements(children(node));
      case "AssignStatement":
        return this.assign(node);
      case "UpdateStatement":
        return this.update(node);
      case "ExpressionStatement":
        return this.expressionStatement(node);
      case "IfStatement":
        return this.ifStatement(node);
      case "TryStatement":
        return this.tryStatement(node);
      case "WithStatement":
        return this.withStatement(node);
      case "ForStatement":
      case "WhileStatement":
        return this.loop(node);
      case "ImportStatement":
        return this.importStatement(node);
      case "FunctionDefinition":
        return this.functionDefinition(node);
      case "ClassDefinition":
        return this.classDefinition(node);
      case "DecoratedStatement":
        return this.statements(children(node).filter((c) => c.name !== "Decorator"));
      case "DeleteStatement":
        for (const target of children(node).filter((c) => c.name === "VariableName")) {
          this.bind(this.text(target), [{ kind: "unset" }], target);
        }
        return;
      case "RaiseStatement":
        this.scope.terminated = this.conditional > 0;
        return;
      default:
        return;
    }
  }

  /** Splits `a = b = 1, 2` into [[a], [b], [1, 2]] around the `=` signs. */
  private assignmentGroups(node: SyntaxNode): SyntaxNode[][] {
    const groups: SyntaxNode[][] = [[]];
    for (const child of children(node)) {
      if (child.name === "AssignOp") groups.push([]);
      else if (isExpressionNode(child)) groups[groups.length - 1]!.push(child);
    }
    return groups;
  }

  private assign(node: SyntaxNode): void {
    const groups = this.assignmentGroups(node);
    if (groups.length < 2) return; // a bare annotation `x: int`
    const valueNodes = groups[groups.length - 1]!;
    const values = this.expressionList(valueNodes, node);
    for (const targets of groups.slice(0, -1)) this.assignTargets(targets, values, node);
  }

  /** `1, 2` without brackets is a tuple. */
  private expressionList(nodes: SyntaxNode[], statement: SyntaxNode): Alternatives {
    const trailingComma = this.text(statement).trimEnd().endsWith(",");
    if (nodes.length === 1 && !trailingComma) return this.expr(nodes[0]!);
    return combine(
      nodes.map((n) => this.expr(n)),
      (items) => [{ kind: "tuple", items: items.map(asData) }],
    );
  }

  private assignTargets(targets: SyntaxNode[], values: Alternatives, statement: SyntaxNode): void {
    if (targets.length === 1) return this.assignTarget(targets[0]!, values);
    targets.forEach((target, index) => {
      const items = values.map((v): Value => {
        const data = asData(v);
        if ((data.kind === "tuple" || data.kind === "list") && data.items.length === targets.length) {
          return data.items[index]!;
        }
        return unknown(`unpacking at line ${this.at(statement).line}`);
      });
      this.assignTarget(target, items);
    });
  }

  private assignTarget(target: SyntaxNode, values: Alternatives): void {
    if (target.name === "VariableName") return this.bind(this.text(target), values, target);
    if (target.name === "TupleExpression" || target.name === "ArrayExpression") {
      return this.assignTargets(children(target).filter(isExpressionNode), values, target);
    }
    if (target.name === "MemberExpression" && children(target).some((c) => c.name === "[")) {
      const [object, index] = children(target).filter(isExpressionNode);
      if (!object || !index) return;
      if (this.isNamespace(object))
        return this.namespaceWrite(
          this.expr(index),
          values,
          target,
          `${this.text(object)}[${this.text(index).slice(0, 40)}] = …`,
        );
      const keys = this.expr(index);
      this.updatePlace(object, target, (container) =>
        combine([[container], keys, values], ([c, k, v]) => setItem(c!, k!, v!)),
      );
    }
    // Attribute assignment (obj.attr = ...) does not change module-level names.
  }

  /**
   * Replaces the value stored at `place` (NAME, NAME[k], NAME[k][j]...) with `change(old)`.
   * Only names are rebound; anything else (obj.attr[...]) is outside the module namespace.
   */
  private updatePlace(place: SyntaxNode, statement: SyntaxNode, change: (old: Value) => Alternatives): void {
    if (place.name === "VariableName") {
      const name = this.text(place);
      const old = this.lookup(name, place);
      const updated = old.flatMap((value) => (isData(value) ? change(value) : [value]));
      this.bind(name, updated, statement);
      return;
    }
    const parts = children(place).filter(isExpressionNode);
    const [object, index] = parts;
    if (
      place.name !== "MemberExpression" ||
      !children(place).some((c) => c.name === "[") ||
      !object ||
      !index
    )
      return;
    const keys = this.expr(index);
    this.updatePlace(object, statement, (container) =>
      combine([[container], keys], ([c, k]) =>
        subscript(c!, k!).flatMap((inner) => change(inner).flatMap((next) => setItem(c!, k!, next))),
      ),
    );
  }

  private update(node: SyntaxNode): void {
    const [target, operand] = children(node).filter((c) => c.name !== "UpdateOp");
    const operator = children(node).find((c) => c.name === "UpdateOp");
    if (!target || !operand || !operator) return;
    const op = this.text(operator).slice(0, -1);
    const right = this.expr(operand);
    this.updatePlace(target, node, (old) => combine([[old], right], ([a, b]) => binaryOp(op, a!, b!)));
  }

  private expressionStatement(node: SyntaxNode): void {
    const expression = node.firstChild;
    if (!expression) return;
    if (expression.name === "CallExpression") {
      if (this.namespaceCall(expression, node)) return;
      const callee = expression.firstChild;
      const property = callee?.name === "MemberExpression" ? callee.lastChild : null;
      const object = callee?.firstChild;
      if (property?.name === "PropertyName" && object && MUTATING_METHODS.has(this.text(property))) {
        const args = this.argList(expression);
        if (args) {
          const method = this.text(property);
          this.updatePlace(object, node, (old) =>
            combine([[old], ...args.positional], ([t, ...a]) => mutate(t!, method, a)),
          );
          return;
        }
      }
    }
    this.expr(expression);
  }

  /** Decides an if/elif chain: branches that cannot run are dropped, unknown conditions keep both sides. */
  private ifStatement(node: SyntaxNode): void {
    const parts = children(node);
    const bodies: (SyntaxNode | undefined)[] = [];
    let firstCondition: Alternatives | undefined;
    let decided = false;
    for (let i = 0; i < parts.length && !decided; i++) {
      const part = parts[i]!;
      if (part.name === "if" || part.name === "elif") {
        const condition = parts[i + 1];
        const body = parts[i + 2];
        if (!condition || body?.name !== "Body") break;
        const values = this.expr(condition);
        const outcome = this.decide(values);
        if (part.name === "if" && outcome !== false) firstCondition = values;
        if (outcome !== false) bodies.push(body);
        if (outcome === true) decided = true;
        i += 2;
      } else if (part.name === "else") {
        bodies.push(parts[i + 1]);
        decided = true;
      }
    }
    if (!decided) bodies.push(undefined); // no branch taken
    if (bodies.length === 1) return this.body(bodies[0]);
    // `if VAR:` runs only when $VAR is set and non-empty, so its default does not apply inside
    const setInside = firstCondition && variableOf(firstCondition, false);
    const scopes = this.branches(
      bodies.map((body, i) => () => {
        if (i === 0 && setInside) this.requireEnv(setInside);
        this.body(body);
      }),
    );
    const raisesUnset =
      firstCondition && scopes[0]?.terminated ? variableOf(firstCondition, true) : undefined;
    if (raisesUnset) this.requireEnv(raisesUnset);
  }

  /** `if not SECRET_KEY: raise ...`: past this point $VAR is set, so its default no longer applies. */
  private requireEnv(variable: string): void {
    for (const [name, binding] of this.scope.entries()) {
      if (!binding.values.some((v) => v.kind === "env" && v.env === variable && v.default !== undefined))
        continue;
      const values = binding.values.map((v): Value =>
        v.kind === "env" && v.env === variable ? { kind: "env", env: v.env, cast: v.cast } : v,
      );
      this.scope.set({ name, values, location: binding.location });
    }
  }

  private decide(condition: Alternatives): boolean | undefined {
    const outcomes = new Set(condition.map((v) => truthy(asData(v))));
    return outcomes.size === 1 ? [...outcomes][0] : undefined;
  }

  private tryStatement(node: SyntaxNode): void {
    const parts = children(node);
    const tryBody = parts.find((p) => p.name === "Body");
    const handlers: SyntaxNode[] = [];
    let elseBody: SyntaxNode | undefined;
    let finallyBody: SyntaxNode | undefined;
    let catchesImportError = false;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      const nextBody = parts.slice(i + 1).find((p) => p.name === "Body");
      if (part.name === "except" && nextBody) {
        handlers.push(nextBody);
        const caught = this.source.slice(part.to, nextBody.from);
        if (!/\w/.test(caught) || /ImportError|ModuleNotFoundError|Exception/.test(caught))
          catchesImportError = true;
      }
      if (part.name === "else") elseBody = nextBody;
      if (part.name === "finally") finallyBody = nextBody;
    }
    const missingBefore = this.shared.diagnostics.length;
    let tryFailedOnImport = false;
    this.branches([
      () => {
        this.body(tryBody);
        tryFailedOnImport = this.shared.diagnostics
          .slice(missingBefore)
          .some((d) => d.message.startsWith("optional import"));
        this.body(elseBody);
      },
      ...handlers.map((handler) => () => this.body(handler)),
    ]);
    if (tryFailedOnImport && !catchesImportError) this.scope.terminated = this.conditional > 0;
    this.body(finallyBody);
  }

  private withStatement(node: SyntaxNode): void {
    const parts = children(node);
    parts.forEach((part, i) => {
      const target = parts[i + 1];
      if (part.name === "as" && target?.name === "VariableName") {
        this.bind(this.text(target), [unknown("bound by a with statement")], target);
      }
    });
    this.body(parts.find((p) => p.name === "Body"));
  }

  /** A loop body may run zero or more times: both outcomes are kept, the loop variable is unknown. */
  private loop(node: SyntaxNode): void {
    const parts = children(node);
    const inIndex = parts.findIndex((p) => p.name === "in");
    for (const target of parts.slice(1, inIndex < 0 ? 1 : inIndex)) {
      if (target.name === "VariableName") this.bind(this.text(target), [unknown("loop variable")], target);
    }
    const body = parts.find((p) => p.name === "Body");
    this.branches([() => this.body(body), () => undefined]);
  }

  private functionDefinition(node: SyntaxNode): void {
    const name = children(node).find((c) => c.name === "VariableName");
    if (!name) return;
    const body = this.source.slice(node.from, node.to);
    const writesGlobals: string[] = [];
    const cursor = node.cursor();
    while (cursor.next() && cursor.to <= node.to)
      if (cursor.name === "ScopeStatement" && this.text(cursor.node.firstChild!) === "global")
        writesGlobals.push(
          ...children(cursor.node)
            .filter((c) => c.name === "VariableName")
            .map((c) => this.text(c)),
        );
    this.bind(
      this.text(name),
      [
        {
          kind: "function",
          name: this.text(name),
          readsEnv: /\b(environ|getenv)\b/.test(body),
          writesGlobals,
        },
      ],
      name,
    );
  }

  // ---- writes to the module's namespace other than by assignment ----

  /** `globals()`, `vars()` or `locals()`: at module level, each is the module's namespace. */
  private isNamespace(node: SyntaxNode | null | undefined): boolean {
    return (
      node?.name === "CallExpression" &&
      /^(globals|vars|locals)\s*\(\s*\)$/.test(this.text(node)) &&
      this.scope.get(this.text(node.firstChild!)) === undefined
    );
  }

  /** Binds what a write by name sets (`globals()["DEBUG"] = v`); a name not known makes any setting suspect. */
  private namespaceWrite(names: Alternatives, values: Alternatives, node: SyntaxNode, how: string): void {
    const known = names.map((n) => (n.kind === "str" ? n.value : undefined));
    if (known.length === 0 || known.some((n) => n === undefined)) {
      this.diagnose(
        node,
        "error",
        `${how} names a setting not known statically: any setting may differ from what the file says`,
      );
      return;
    }
    const distinct = [...new Set(known as string[])];
    for (const name of distinct)
      this.bind(name, distinct.length === 1 ? values : [...this.lookup(name, node), ...values], node);
  }

  /** exec(), setattr(sys.modules[...], ...), globals().update(...) and calls of functions that declare `global`. */
  private namespaceCall(call: SyntaxNode, statement: SyntaxNode): boolean {
    const callee = call.firstChild;
    if (!callee) return false;
    const calleeText = this.text(callee);
    if (callee.name === "VariableName" && this.scope.get(calleeText) === undefined && calleeText === "exec") {
      this.diagnose(statement, "error", "exec() may set any setting: its code is not read");
      return true;
    }
    const args = this.argList(call);
    if (
      callee.name === "VariableName" &&
      calleeText === "setattr" &&
      this.scope.get("setattr") === undefined
    ) {
      const [object] = children(call.lastChild!).filter(isExpressionNode);
      if (!object || !/\bsys\.modules\b/.test(this.text(object))) return false;
      this.namespaceWrite(
        args?.positional[1] ?? [],
        args?.positional[2] ?? [unknown("setattr")],
        statement,
        "setattr() on the module",
      );
      return true;
    }
    if (
      callee.name === "MemberExpression" &&
      this.isNamespace(callee.firstChild) &&
      this.text(callee.lastChild!) === "update"
    ) {
      const updates = args?.positional[0] ?? [];
      const dicts = updates.every((d) => d.kind === "dict" && d.entries.every((e) => e.key.kind === "str"));
      if (!args || args.unpacked || args.positional.length > 1 || !dicts) {
        this.diagnose(
          statement,
          "error",
          `${this.text(callee)}() with names not known statically: any setting may differ from what the file says`,
        );
        return true;
      }
      for (const dict of updates)
        if (dict.kind === "dict")
          for (const entry of dict.entries)
            this.namespaceWrite([entry.key], [entry.value], statement, "update()");
      for (const [name, values] of args.keywords)
        this.namespaceWrite([{ kind: "str", value: name }], values, statement, "update()");
      return true;
    }
    const handed = call.lastChild ? children(call.lastChild).find((n) => this.isNamespace(n)) : undefined;
    if (handed && !(callee.name === "MemberExpression" && this.isNamespace(callee.firstChild))) {
      const refs = this.expr(callee).map((t) => (t.kind === "ref" ? t.path : ""));
      // Builtins that only read it (print, len, dict) and split_settings' include(scope=globals()) are read.
      const understood = (path: string) =>
        (path.startsWith("builtins.") && !/^builtins\.(eval|exec)$/.test(path)) ||
        path.startsWith("split_settings.");
      if (refs.length > 0 && refs.every(understood)) return false;
      if (refs.length > 0 && refs.every((path) => path === "django_heroku.settings")) {
        this.herokuSettings(args?.keywords ?? new Map(), statement);
        return true;
      }
      // Code not read gets the module's namespace and may set any setting in it.
      const how = `${calleeText.slice(0, 60)}(${this.text(handed)})`;
      const reason = `${how} may change it: that code is not read`;
      for (const [name, binding] of this.scope.entries())
        if (isSettingName(name))
          this.scope.set({ ...binding, values: capAlternatives([...binding.values, unknown(reason)]) });
      this.diagnose(
        statement,
        "error",
        `${how} hands the module namespace to code not read: any setting may differ from what the file says`,
      );
      return true;
    }
    if (callee.name === "VariableName") {
      const writers = (this.scope.get(calleeText)?.values ?? []).flatMap((v) =>
        v.kind === "function" ? v.writesGlobals : [],
      );
      for (const name of new Set(writers))
        this.bind(name, [unknown(`set by ${calleeText}() through \`global ${name}\``)], statement);
    }
    return false;
  }

  /**
   * django_heroku.settings(locals()) (heroku/django-heroku core.py): each keyword-only flag defaults to
   * True. allowed_hosts sets ALLOWED_HOSTS = ['*']; secret_key takes SECRET_KEY from $SECRET_KEY when
   * set; staticfiles puts WhiteNoise first in MIDDLEWARE (MIDDLEWARE_CLASSES when defined) and sets
   * STATIC_URL = '/static/'; databases and logging replace DATABASES (from $DATABASE_URL) and LOGGING.
   */
  private herokuSettings(keywords: Map<string, Alternatives>, statement: SyntaxNode): void {
    const source = "django_heroku.settings()";
    /** What a flag is on every alternative: true, false, or undefined when the file does not decide. */
    const flag = (name: string): boolean | undefined => {
      const values = keywords.get(name);
      if (!values) return true;
      const seen = new Set(
        values.map((v) => (isData(v) && v.kind !== "unknown" && v.kind !== "env" ? truthy(v) : undefined)),
      );
      return seen.size === 1 ? [...seen][0] : undefined;
    };
    const set = (setting: string, enabled: string, values: Alternatives) => {
      const on = flag(enabled);
      if (on === false) return;
      this.bind(setting, on ? values : [...this.lookup(setting, statement), ...values], statement);
    };
    set("ALLOWED_HOSTS", "allowed_hosts", [{ kind: "list", items: [str("*")] }]);
    const deployedKey = deploymentValue("SECRET_KEY");
    set(
      "SECRET_KEY",
      "secret_key",
      deployedKey !== undefined
        ? [str(deployedKey)]
        : this.lookup("SECRET_KEY", statement).map((v) =>
            isData(v) && v.kind !== "unknown" && v.kind !== "unset" && v.kind !== "env"
              ? { kind: "env", env: "SECRET_KEY", cast: "str", default: v }
              : v,
          ),
    );
    const middleware = this.scope.get("MIDDLEWARE_CLASSES") ? "MIDDLEWARE_CLASSES" : "MIDDLEWARE";
    set(
      middleware,
      "staticfiles",
      this.lookup(middleware, statement).map((v) =>
        v.kind === "list" || v.kind === "tuple"
          ? { kind: "tuple", items: [str("whitenoise.middleware.WhiteNoiseMiddleware"), ...v.items] }
          : unknown(`${middleware} with WhiteNoise put first by ${source}`),
      ),
    );
    set("STATIC_URL", "staticfiles", [str("/static/")]);
    set("STATIC_ROOT", "staticfiles", [unknown(`BASE_DIR/staticfiles, set by ${source}`)]);
    set("DATABASES", "databases", [unknown(`set by ${source} from $DATABASE_URL`)]);
    set("LOGGING", "logging", [unknown(`set by ${source}`)]);
  }

  private classDefinition(node: SyntaxNode): void {
    const name = children(node).find((c) => c.name === "VariableName");
    const body = children(node).find((c) => c.name === "Body");
    if (!name) return;
    const assigns = (body ? children(body) : [])
      .filter((c) => c.name === "AssignStatement" && c.firstChild?.name === "VariableName")
      .map((c) => this.text(c.firstChild!))
      .filter(isSettingName);
    this.shared.classes.push({ name: this.text(name), location: this.at(name), assigns });
    this.bind(this.text(name), [unknown(`class ${this.text(name)}`)], name);
  }

  // ---- imports ----

  /** The file for a module path (dots counted for relative imports), or undefined. */
  private resolveModule(dots: number, dotted: string[]): string | undefined {
    const tryBase = (base: string) =>
      [path.join(base, ...dotted) + ".py", path.join(base, ...dotted, "__init__.py")].find(isFile);
    const here = path.dirname(this.file);
    if (dots > 0) {
      let base = here;
      for (let i = 1; i < dots; i++) base = path.dirname(base);
      return tryBase(base);
    }
    if (dotted.length === 0) return undefined;
    // Absolute imports: the project root is some ancestor of the settings package.
    let base = here;
    for (let i = 0; i < 12; i++) {
      const found = tryBase(base);
      if (found) return found;
      const up = path.dirname(base);
      if (up === base) break;
      base = up;
    }
    return undefined;
  }

  /** Evaluates another module in its own namespace (once), as Python's import does. */
  private loadModule(file: string, from: SyntaxNode): Scope | undefined {
    const resolved = path.resolve(file);
    if (this.shared.modules.has(resolved)) {
      const cached = this.shared.modules.get(resolved);
      if (!cached) this.diagnose(from, "error", `import cycle: ${resolved} is already being evaluated`);
      return cached;
    }
    if (this.shared.modules.size >= MAX_FILES) {
      this.diagnose(from, "error", `more than ${MAX_FILES} modules imported; ${resolved} was not read`);
      return undefined;
    }
    this.shared.modules.set(resolved, undefined);
    const scope = evaluateInto(this.shared, resolved, new Scope(), this.at(from));
    this.shared.modules.set(resolved, scope);
    return scope;
  }

  private importStatement(node: SyntaxNode): void {
    const parts = children(node);
    if (parts[0]?.name === "import") return this.plainImport(parts.slice(1));
    const importIndex = parts.findIndex((p) => p.name === "import");
    const moduleParts = parts.slice(1, importIndex < 0 ? parts.length : importIndex);
    const firstName = moduleParts.findIndex((p) => p.name === "VariableName");
    const dots = moduleParts
      .slice(0, firstName < 0 ? moduleParts.length : firstName)
      .reduce((n, p) => n + this.text(p).length, 0);
    const dotted = moduleParts.filter((p) => p.name === "VariableName").map((p) => this.text(p));
    const imported = parts.slice(importIndex + 1);
    const moduleName = ".".repeat(dots) + dotted.join(".");
    const file = this.resolveModule(dots, dotted);
    if (imported.some((p) => p.name === "*")) return this.starImport(file, moduleName, node);
    const module = file ? this.moduleValue(file, moduleName, node) : undefined;
    imported.forEach((part, i) => {
      if (part.name !== "VariableName" || imported[i - 1]?.name === "as") return;
      const name = this.text(part);
      const alias = imported[i + 1]?.name === "as" ? imported[i + 2] : undefined;
      const values = module
        ? this.attribute(module, name, part)
        : this.unreadModule(
            this.resolveModule(dots, [...dotted, name]),
            `${moduleName}.${name}`.replace(/^\.+/, ""),
            `module ${moduleName}`,
            part,
          );
      this.bind(alias ? this.text(alias) : name, values, part);
    });
  }

  /** `import a.b` binds `a`; `import a.b as c` binds `c` to a.b. */
  private plainImport(parts: SyntaxNode[]): void {
    let dotted: string[] = [];
    let alias: string | undefined;
    const flush = (at: SyntaxNode) => {
      if (dotted.length === 0) return;
      const bound = alias ? dotted : dotted.slice(0, 1);
      const name = bound.join(".");
      const file = this.resolveModule(0, bound);
      this.bind(alias ?? name, this.unreadModule(file, name, `module ${name}`, at), at);
      dotted = [];
      alias = undefined;
    };
    parts.forEach((part, i) => {
      if (part.name === "VariableName" && parts[i - 1]?.name === "as") alias = this.text(part);
      else if (part.name === "VariableName") dotted.push(this.text(part));
      else if (part.name === ",") flush(part);
    });
    if (parts.length > 0) flush(parts[parts.length - 1]!);
  }

  /** The module in `file` when it was found, else a reference to `path` outside the files read. */
  private unreadModule(file: string | undefined, path: string, what: string, node: SyntaxNode): Alternatives {
    if (file) return [this.moduleValue(file, path, node)];
    const { file: importer, line } = this.at(node);
    return [{ kind: "ref", path, importedFrom: `${what}, imported at ${importer}:${line}` }];
  }

  private moduleValue(file: string, name: string, from: SyntaxNode): ModuleValue {
    this.loadModule(file, from);
    return { kind: "module", name, file: path.resolve(file) };
  }

  /** `module.name` as Python finds it: the module's own name, else its submodule. */
  private attribute(module: ModuleValue, name: string, node: SyntaxNode): Alternatives {
    const namespace = this.shared.modules.get(module.file);
    const found = namespace?.get(name);
    if (found) return found.values;
    const submodule =
      path.basename(module.file) === "__init__.py"
        ? [
            path.join(path.dirname(module.file), `${name}.py`),
            path.join(path.dirname(module.file), name, "__init__.py"),
          ].find(isFile)
        : undefined;
    if (submodule) return [this.moduleValue(submodule, `${module.name}.${name}`, node)];
    const where = `${this.file}:${this.at(node).line}`;
    if (!namespace)
      return [
        unknown(
          `${module.name}.${name} (at ${where}): ${module.file} was not evaluated (import cycle or too many files)`,
        ),
      ];
    const hidden = this.shared.hiddenSources.get(namespace);
    return [
      unknown(
        hidden
          ? `${module.name}.${name} (at ${where}) may come from the unresolved import at ${hidden.file}:${hidden.line}`
          : `${module.file} does not define ${name} (read at ${where})`,
      ),
    ];
  }

  private starImport(file: string | undefined, moduleName: string, node: SyntaxNode): void {
    const scope = file ? this.loadModule(file, node) : undefined;
    if (!scope) return this.missingImport(moduleName, node);
    for (const [name, binding] of scope.entries()) {
      if (!name.startsWith("_")) this.scope.set({ ...binding });
    }
    const hidden = this.shared.hiddenSources.get(scope);
    if (hidden) this.hideNamesBehind(hidden);
  }

  private missingImport(moduleName: string, node: SyntaxNode): void {
    if (this.conditional > 0) {
      this.diagnose(node, "warning", `optional import ${moduleName} not found: its settings are not audited`);
      return;
    }
    const location = this.at(node);
    this.hideNamesBehind(location);
    this.shared.unresolvedImports.push(location);
    this.diagnose(
      node,
      "warning",
      `cannot resolve star import from ${moduleName}: any setting may come from it`,
    );
  }

  /** split_settings include("a.py", optional("local.py")): files run in this module's namespace. */
  private include(args: Value[], node: SyntaxNode): Alternatives {
    for (const arg of args) {
      const optional = arg.kind === "ref" && arg.arg !== undefined;
      const name = arg.kind === "str" ? arg.value : optional ? arg.arg : undefined;
      if (name === undefined) {
        this.diagnose(node, "warning", "include() argument not known statically");
        continue;
      }
      const file = path.resolve(path.dirname(this.file), name);
      if (!isFile(file)) {
        if (optional)
          this.diagnose(node, "warning", `optional include ${name} not found: its settings are not audited`);
        else this.missingImport(name, node);
        continue;
      }
      evaluateInto(this.shared, file, this.scope, this.at(node));
    }
    return [NONE];
  }

  // ---- expressions ----

  private lookup(name: string, node: SyntaxNode): Alternatives {
    const binding: Binding | undefined = this.scope.get(name);
    if (binding) return binding.values;
    if (this.unresolvedStar) {
      return [
        unknown(
          `${name} may come from the unresolved import at ${this.unresolvedStar.file}:${this.unresolvedStar.line}`,
        ),
      ];
    }
    if (BUILTINS.has(name)) return [{ kind: "ref", path: `builtins.${name}` }];
    return [unknown(`${name} is not defined at ${this.file}:${this.at(node).line}`)];
  }

  private expr(node: SyntaxNode, depth = 0): Alternatives {
    this.step();
    if (depth > MAX_EXPRESSION_DEPTH) return [unknown("expression nested too deeply")];
    if (node.type.isError) return [unknown(`syntax error at line ${this.at(node).line}`)];
    const sub = (n: SyntaxNode | null | undefined) =>
      n ? this.expr(n, depth + 1) : [unknown("missing operand")];
    const parts = () => children(node).filter(isExpressionNode);
    switch (node.name) {
      case "String":
        return [decodeString(this.text(node))];
      case "FormatString":
        return this.formatString(node, depth);
      case "ContinuedString":
        return combine(parts().map(sub), (items) => binaryOpChain(items));
      case "Number":
        return [decodeNumber(this.text(node))];
      case "Boolean":
        return [bool(this.text(node) === "True")];
      case "None":
        return [NONE];
      case "VariableName":
        return this.lookup(this.text(node), node);
      case "ParenthesizedExpression":
        return sub(parts()[0]);
      case "TupleExpression":
      case "ArrayExpression":
        return this.sequence(node, node.name === "TupleExpression" ? "tuple" : "list", depth);
      case "DictionaryExpression":
        return this.dictionary(node, depth);
      case "BinaryExpression":
        return this.binary(node, depth);
      case "UnaryExpression": {
        const [operator, operand] = children(node);
        return combine([sub(operand)], ([v]) => unaryOp(this.text(operator!), v!));
      }
      case "ConditionalExpression": {
        const [then, condition, otherwise] = parts().filter((p) => p.name !== "if" && p.name !== "else");
        const outcome = this.decide(sub(condition));
        if (outcome === true) return sub(then);
        if (outcome === false) return sub(otherwise);
        return capAlternatives([...sub(then), ...sub(otherwise)]);
      }
      case "MemberExpression":
        return this.member(node, depth);
      case "CallExpression":
        return this.call(node, depth);
      case "NamedExpression": {
        const [target, value] = parts();
        const values = sub(value);
        if (target?.name === "VariableName") this.bind(this.text(target), values, target);
        return values;
      }
      case "ArrayComprehensionExpression":
        return this.comprehension(node, depth);
      default:
        return [unknown(`${node.name} not evaluated`)];
    }
  }

  private sequence(node: SyntaxNode, kind: "list" | "tuple", depth: number): Alternatives {
    const nodes = children(node).filter(isExpressionNode);
    if (nodes.some((n) => n.name === "*")) return [unknown(`${kind} with *unpacking`)];
    return combine(
      nodes.map((n) => this.expr(n, depth + 1)),
      (items) => [{ kind, items: items.map(asData) }],
    );
  }

  private dictionary(node: SyntaxNode, depth: number): Alternatives {
    const nodes = children(node).filter((c) => !["{", "}", ","].includes(c.name));
    const pairs: [SyntaxNode, SyntaxNode][] = [];
    for (let i = 0; i < nodes.length; i++) {
      const key = nodes[i]!;
      if (key.name === "**") return [unknown("dict with **unpacking")];
      const value = nodes[i + 2];
      if (nodes[i + 1]?.name !== ":" || !value) return [unknown("dict not evaluated")];
      pairs.push([key, value]);
      i += 2;
    }
    return combine(
      pairs.flatMap(([k, v]) => [this.expr(k, depth + 1), this.expr(v, depth + 1)]),
      (flat) => {
        const entries = [];
        for (let i = 0; i < flat.length; i += 2)
          entries.push({ key: asData(flat[i]!), value: asData(flat[i + 1]!) });
        return [{ kind: "dict", entries }];
      },
    );
  }

  private binary(node: SyntaxNode, depth: number): Alternatives {
    const all = children(node);
    const left = all[0];
    const right = all[all.length - 1];
    if (!left || !right || all.length < 3) return [unknown("incomplete expression")];
    const operator = all
      .slice(1, -1)
      .map((c) => this.text(c))
      .join(" ");
    const l = this.expr(left, depth + 1);
    const r = this.expr(right, depth + 1);
    if (operator === "or" || operator === "and") {
      return combine([l, r], ([a, b]) => {
        // Both sides reading the same variable are lifted together; otherwise the right side is a plain operand.
        const sameVariable = a!.kind === "env" && b!.kind === "env" && a!.env === b!.env;
        return liftEnv(sameVariable ? [a!, b!] : [a!], ([x, y]) => {
          const t = truthy(asData(x!));
          if (t === undefined) return [unknown(`${operator} of a value not known statically`)];
          return [(operator === "or") === t ? x! : sameVariable ? y! : b!];
        });
      });
    }
    if (all[1]?.name === "CompareOp" || ["in", "not in", "is", "is not"].includes(operator)) {
      return combine([l, r], ([a, b]) => compare(operator, a!, b!));
    }
    return combine([l, r], ([a, b]) => binaryOp(operator, a!, b!));
  }

  private member(node: SyntaxNode, depth: number): Alternatives {
    const [object, ...rest] = children(node).filter(isExpressionNode);
    if (!object) return [unknown("member expression")];
    const target = this.expr(object, depth + 1);
    if (children(node).some((c) => c.name === "[")) {
      if (rest.length !== 1 || rest[0]!.name === ":" || children(node).some((c) => c.name === ":")) {
        return [unknown("slice")];
      }
      const index = this.expr(rest[0]!, depth + 1);
      return combine([target, index], ([t, i]) => {
        if (t!.kind === "ref" && t!.path === "os.environ" && i!.kind === "str") {
          const deployed = deploymentValue(i!.value);
          return [deployed !== undefined ? str(deployed) : { kind: "env", env: i!.value, cast: "none" }];
        }
        return subscript(t!, i!);
      });
    }
    const property = rest[0] ? this.text(rest[0]) : "";
    return capAlternatives(
      target.flatMap((t): Alternatives => {
        if (t.kind === "module") return this.attribute(t, property, node);
        if (t.kind === "ref") return [{ ...t, path: `${t.path}.${property}` }];
        if (t.kind === "env-reader" && !t.method) return [{ ...t, method: property }];
        return [unknown(`attribute .${property} of ${t.kind}`)];
      }),
    );
  }

  /** Positional and keyword arguments; `unpacked` when *args or **kwargs hide some. */
  private argList(
    call: SyntaxNode,
  ): { positional: Alternatives[]; keywords: Map<string, Alternatives>; unpacked: boolean } | undefined {
    const list = call.lastChild;
    if (list?.name !== "ArgList") return undefined;
    const nodes = children(list).filter((c) => !["(", ")", ","].includes(c.name));
    const positional: Alternatives[] = [];
    const keywords = new Map<string, Alternatives>();
    let unpacked = false;
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i]!;
      if (n.name === "*" || n.name === "**") {
        unpacked = true;
        i++;
        continue;
      }
      if (n.name === "VariableName" && nodes[i + 1]?.name === "AssignOp" && nodes[i + 2]) {
        keywords.set(this.text(n), this.expr(nodes[i + 2]!));
        i += 2;
      } else if (n.name === "for") {
        return undefined; // generator argument: f(x for x in y)
      } else {
        positional.push(this.expr(n));
      }
    }
    return { positional, keywords, unpacked };
  }

  /**
   * An f-string whose replacements are plain expressions (`f"{HOST}:8000"`): each is str() of its
   * value. Conversions (!r), format specs (:>8) and self-documenting `=` stay unknown.
   */
  private formatString(node: SyntaxNode, depth: number): Alternatives {
    const token = this.text(node);
    const prefix = /^[a-zA-Z]*/.exec(token)![0];
    const rest = token.slice(prefix.length);
    const quote = rest.startsWith('"""') || rest.startsWith("'''") ? 3 : 1;
    const raw = prefix.toLowerCase().includes("r");
    const literal = (text: string) => {
      const joined = text.replace(/\{\{/g, "{").replace(/\}\}/g, "}");
      return raw ? joined : unescape(joined);
    };
    const parts: Alternatives[] = [];
    let at = node.from + prefix.length + quote;
    for (const replacement of children(node).filter((c) => c.name === "FormatReplacement")) {
      const inner = children(replacement);
      const expressions = inner.filter(isExpressionNode);
      if (expressions.length !== 1 || inner.some((c) => c.name.startsWith("Format")))
        return [unknown("f-string with a conversion, format spec or = in a replacement")];
      parts.push([str(literal(this.source.slice(at, replacement.from)))]);
      parts.push(
        this.expr(expressions[0]!, depth + 1).map((v) =>
          v.kind === "unknown" ? v : v.kind === "env" ? unknown(`$${v.env} in an f-string`) : toStr(v),
        ),
      );
      at = replacement.to;
    }
    parts.push([str(literal(this.source.slice(at, node.to - quote)))]);
    return combine(parts, (pieces) => {
      const unread = pieces.find((p) => p.kind !== "str");
      if (unread) return [unread.kind === "unknown" ? unread : unknown(`f-string of ${unread.kind}`)];
      return [str(pieces.map((p) => (p as { value: string }).value).join(""))];
    });
  }

  private call(node: SyntaxNode, depth: number): Alternatives {
    const callee = node.firstChild;
    if (!callee) return [unknown("call")];
    const calleeText = this.text(callee).slice(0, 60);
    const args = this.argList(node);
    if (!args) return [unknown(`call to ${calleeText}() with arguments not evaluated`)];
    const isMethod = callee.name === "MemberExpression" && callee.lastChild?.name === "PropertyName";
    const method = isMethod ? this.text(callee.lastChild!) : "";
    const targets = isMethod ? this.expr(callee.firstChild!, depth + 1) : this.expr(callee, depth + 1);
    const keywordNames = [...args.keywords.keys()];
    const parts = [targets, ...args.positional, ...keywordNames.map((k) => args.keywords.get(k)!)];
    return combine(parts, ([target, ...rest]) => {
      const positional = rest.slice(0, args.positional.length);
      const keywords = new Map(keywordNames.map((k, i) => [k, rest[args.positional.length + i]!]));
      const object = target!;
      let callees: Alternatives;
      if (!isMethod) callees = [object];
      else if (object.kind === "module") callees = this.attribute(object, method, callee);
      else if (object.kind === "ref") callees = [{ ...object, path: `${object.path}.${method}` }];
      else if (object.kind === "env-reader") callees = [{ ...object, method }];
      else return callMethod(object, method, positional);
      return callees.flatMap((fn) =>
        args.unpacked && !(fn.kind === "ref" && ENV_READER_CLASS.test(fn.path))
          ? [unknown(`call to ${calleeText}() with *args or **kwargs`)]
          : this.apply(fn, positional, keywords, calleeText, node, args.unpacked),
      );
    });
  }

  private apply(
    fn: Value,
    args: Value[],
    keywords: Map<string, Value>,
    calleeText: string,
    node: SyntaxNode,
    unpacked: boolean,
  ): Alternatives {
    if (fn.kind === "ref") {
      const envName = /^os\.(environ\.get|getenv|environ\.setdefault)$/.test(fn.path);
      if (envName) return [readEnv(args[0], "none", args[1] ?? keywords.get("default") ?? NONE)];
      if (fn.path.startsWith("builtins.")) return callBuiltin(fn.path.slice("builtins.".length), args);
      if (ENV_READER_CLASS.test(fn.path)) return [this.envReader(node, unpacked)];
      if (/^decouple\.(config|AutoConfig)$/.test(fn.path)) {
        // decouple applies the cast to the default too: config("HOSTS", default="a,b", cast=Csv()).
        const cast = keywords.get("cast");
        if (cast?.kind === "unknown")
          return [unknown(`config() with a cast not known statically (${cast.reason})`)];
        const csv = isCsvCast(cast);
        return [
          readEnv(
            args[0],
            csv ? "list" : (castFromValue(cast) ?? "str"),
            keywords.get("default") ?? args[1],
            {
              csv,
            },
          ),
        ];
      }
      if (fn.path === "decouple.Csv") return [csvCast(args, keywords)];
      if (/^split_settings\.tools\.include$/.test(fn.path)) return this.include(args, node);
      if (/^split_settings\.tools\.optional$/.test(fn.path) && args[0]?.kind === "str") {
        return [{ kind: "ref", path: "split_settings.optional", arg: args[0].value }];
      }
      return [unknown(`call to ${fn.path}() outside the files read`)];
    }
    if (fn.kind === "env-reader") {
      const name = args[0];
      const entry = name?.kind === "str" ? fn.schema.get(name.value) : undefined;
      if (!entry && !fn.method && fn.partial && name?.kind === "str") {
        return [unknown(`$${name.value}: its django-environ schema may come from **unpacking`)];
      }
      const cast = fn.method
        ? CAST_NAMES[fn.method]
        : (castFromValue(keywords.get("cast")) ?? entry?.cast ?? "str");
      if (!cast) return [unknown(`env.${fn.method}()`)];
      const fallback = keywords.get("default") ?? (fn.method ? args[1] : undefined) ?? entry?.default;
      // django-environ parses only a value that differs from the default, unless env(..., parse_default=True).
      const parseDefault = keywords.get("parse_default");
      const parsesDefault = parseDefault !== undefined && isData(parseDefault) && truthy(parseDefault);
      return [readEnv(name, cast, fallback, { defaultUntouched: !parsesDefault })];
    }
    if (fn.kind === "function") return callFunction(fn.name, fn.readsEnv, args, keywords);
    return [unknown(`call to ${calleeText}()`)];
  }

  /** environ.Env(DEBUG=(bool, False), HOSTS=list): the schema, read from the syntax (casts are type names). */
  private envReader(call: SyntaxNode, partial: boolean): Value {
    const schema = new Map<string, EnvSchemaEntry>();
    const nodes = call.lastChild ? children(call.lastChild) : [];
    nodes.forEach((node, i) => {
      const spec = nodes[i + 2];
      if (node.name !== "VariableName" || nodes[i + 1]?.name !== "AssignOp" || !spec) return;
      const [castNode, defaultNode] =
        spec.name === "TupleExpression" ? children(spec).filter(isExpressionNode) : [spec];
      const cast = (castNode && CAST_NAMES[this.text(castNode)]) ?? "str";
      const defaults = defaultNode ? this.expr(defaultNode).map(asData) : [];
      const fallback = defaults.length === 1 ? defaults[0] : undefined;
      schema.set(this.text(node), fallback ? { cast, default: fallback } : { cast });
    });
    return { kind: "env-reader", schema, partial };
  }

  /**
   * `[f(x) for x in xs]` and `[f(x) for x in xs if cond(x)]` over a known or env list: f is applied to
   * each item (or the default's) that cond keeps; an item cond cannot decide leaves the list unknown.
   */
  private comprehension(node: SyntaxNode, depth: number): Alternatives {
    const parts = children(node).filter(isExpressionNode);
    const forIndex = parts.findIndex((p) => p.name === "for");
    const element = parts[forIndex - 1];
    const variable = parts[forIndex + 1];
    const iterable = parts[forIndex + 3];
    const filtered = parts[forIndex + 4]?.name === "if";
    const filter = filtered ? parts[forIndex + 5] : undefined;
    if (
      forIndex < 1 ||
      !element ||
      variable?.name !== "VariableName" ||
      !iterable ||
      (filtered && !filter) ||
      parts.length !== forIndex + (filtered ? 6 : 4)
    ) {
      return [unknown("comprehension not evaluated")];
    }
    const name = this.text(variable);
    /** Whether the filter keeps the item: the same answer on every alternative, or undefined. */
    const keeps = (item: PossibleValue): boolean | undefined => {
      if (!filter) return true;
      this.bind(name, [item], variable);
      const outcomes = new Set(this.expr(filter, depth + 1).map((v) => truthy(asData(v))));
      return outcomes.size === 1 ? [...outcomes][0] : undefined;
    };
    const mapItems = (items: PossibleValue[]): Alternatives => {
      const saved = this.scope;
      this.scope = saved.branch();
      try {
        const decided = items.map(keeps);
        if (decided.includes(undefined)) return [unknown("comprehension filter not decided")];
        return combine(
          items
            .filter((_item, i) => decided[i])
            .map((item) => {
              this.bind(name, [item], variable);
              return this.expr(element, depth + 1);
            }),
          (mapped) => [{ kind: "list", items: mapped.map(asData) }],
        );
      } finally {
        this.scope = saved;
      }
    };
    return combine([this.expr(iterable, depth + 1)], ([source]) =>
      liftEnv([source!], ([list]) => {
        const data = asData(list!);
        if (data.kind !== "list" && data.kind !== "tuple")
          return [unknown(`comprehension over ${data.kind}`)];
        if (data.items.length > MAX_ALTERNATIVES * 4) return [unknown("comprehension over a long list")];
        return mapItems(data.items);
      }),
    );
  }
}

/** The variable a condition tests, when the condition is `whenUnset` exactly while the variable is unset. */
function variableOf(condition: Alternatives, whenUnset: boolean): string | undefined {
  const [first] = condition;
  if (condition.length !== 1 || first?.kind !== "env" || first.default === undefined) return undefined;
  return truthy(first.default) === whenUnset ? first.env : undefined;
}

/** Adjacent string literals ("a" "b") concatenate. */
function binaryOpChain(items: Value[]): Alternatives {
  return items
    .slice(1)
    .reduce<Alternatives>((acc, item) => acc.flatMap((a) => binaryOp("+", a, item)), [items[0]!]);
}

/**
 * decouple's Csv(...) instance, when it yields the comma-separated items as strings: no cast other
 * than str and the default delimiter (post_process=tuple and other sequences read like a list).
 */
function csvCast(args: Value[], keywords: Map<string, Value>): Value {
  const cast = keywords.get("cast") ?? args[0];
  const delimiter = keywords.get("delimiter") ?? args[1];
  const known = [...keywords.keys()].every((k) => ["cast", "delimiter", "strip", "post_process"].includes(k));
  if (
    !known ||
    args.length > 2 ||
    (cast !== undefined && !(cast.kind === "ref" && /^(builtins\.)?str$/.test(cast.path))) ||
    (delimiter !== undefined && !(delimiter.kind === "str" && delimiter.value === ","))
  )
    return unknown("decouple.Csv() with a cast or delimiter of its own");
  return { kind: "ref", path: CSV_CAST };
}

const CSV_CAST = "decouple.Csv()";

function isCsvCast(value: Value | undefined): boolean {
  return value?.kind === "ref" && value.path === CSV_CAST;
}

function castFromValue(value: Value | undefined): EnvCast | undefined {
  if (value?.kind !== "ref") return undefined;
  const name = value.path.split(".").pop()!;
  return CAST_NAMES[name] ?? (name === "Csv" ? "list" : undefined);
}

/** Converts a default written as a string to what the cast makes of it (env.bool("X", default="yes")). */
function castDefault(cast: EnvCast, value: Value, csv = false): Alternatives {
  if (value.kind !== "str") return [value];
  if (csv) {
    // Csv splits with shlex (quotes are its own), strips each item and drops empty ones.
    if (/["'\\]/.test(value.value)) return [unknown("decouple Csv of a value with quotes")];
    const items = value.value.split(",").map((item) => item.trim());
    return [{ kind: "list", items: items.filter((item) => item !== "").map((item) => str(item)) }];
  }
  if (cast === "bool") return [parseBool(value)];
  if (cast === "int") return callBuiltin("int", [value]);
  if (cast === "list")
    return [{ kind: "list", items: value.value ? value.value.split(",").map((s) => str(s)) : [] }];
  return [value];
}

/** What get_list("a, b")-style helpers do: split on commas and strip. */
function splitCommas(value: Value): PossibleValue {
  if (value.kind !== "str") return unknown(`list helper applied to ${value.kind}`);
  return { kind: "list", items: value.value.split(",").map((item) => str(item.trim())) };
}

/**
 * An environment read. `defaultUntouched`: django-environ's get_value returns the default as written,
 * without the cast, and likewise a value equal to it (`if value != default or parse_default: parse`),
 * so env.bool("DEBUG", default="False") is the string 'False', which is truthy. python-decouple and
 * the helpers cast whatever they return.
 */
function readEnv(
  name: Value | undefined,
  cast: EnvCast,
  fallback: Value | undefined,
  { defaultUntouched = false, csv = false }: { defaultUntouched?: boolean; csv?: boolean } = {},
): Value {
  if (name?.kind !== "str") return unknown("environment variable whose name is not known statically");
  const deployed = deploymentValue(name.value);
  if (defaultUntouched && deployed !== undefined && fallback?.kind === "str" && fallback.value === deployed)
    return fallback;
  // The deployment's own value, read as the call reads it (env.bool("DEBUG") of "False" is False).
  if (deployed !== undefined) {
    const values = castDefault(cast, str(deployed), csv);
    return values.length === 1 ? (values[0] as Value) : unknown(`$${name.value}=${deployed} as ${cast}`);
  }
  if (fallback === undefined) return { kind: "env", env: name.value, cast };
  const defaults = (defaultUntouched ? [fallback] : castDefault(cast, fallback, csv)).map(asData);
  const first = defaults[0];
  return first && defaults.length === 1
    ? { kind: "env", env: name.value, cast, default: first }
    : { kind: "env", env: name.value, cast };
}

/**
 * Functions defined in the settings files are not run. Two shapes are understood by name:
 * env helpers (get_bool_from_env("X", "NO"), envbool("DEBUG", "True")) and strtobool-like
 * converters.
 */
function callFunction(
  name: string,
  readsEnv: boolean,
  args: Value[],
  keywords: Map<string, Value>,
): Alternatives {
  const lower = name.toLowerCase();
  const cast: EnvCast = /bool/.test(lower)
    ? "bool"
    : /int/.test(lower)
      ? "int"
      : /list|csv/.test(lower)
        ? "list"
        : "str";
  if (readsEnv && args[0]?.kind === "str")
    return [readEnv(args[0], cast, args[1] ?? keywords.get("default"))];
  if (cast === "bool" && args.length === 1) return liftEnv(args, ([v]) => [parseBool(v!)]);
  if (cast === "list" && args.length === 1) return liftEnv(args, ([v]) => [splitCommas(v!)]);
  return [unknown(`call to ${name}() (functions are not run)`)];
}

/** Reads, parses and evaluates one file into `scope`. */
function evaluateInto(shared: Shared, file: string, scope: Scope, from?: SourceLocation): Scope {
  const source = readSource(file, shared, from);
  if (source !== undefined) evaluateText(shared, file, source, scope);
  return scope;
}

function evaluateText(shared: Shared, file: string, source: string, scope: Scope): void {
  addWork(source.length * WORK_PER_CHARACTER);
  try {
    new FileEvaluator(shared, file, source, scope).run();
  } catch (error) {
    if (!(error instanceof WorkBudgetExceeded) && !(error instanceof RangeError)) throw error;
    shared.diagnostics.push({
      file,
      line: 1,
      severity: "error",
      message: `evaluation stopped: input too large or too deeply nested (${error.message || "step budget"})`,
    });
  }
}

function newShared(): Shared {
  startWork(BASE_WORK);
  return {
    files: [],
    diagnostics: [],
    unresolvedImports: [],
    classes: [],
    modules: new Map(),
    hiddenSources: new WeakMap(),
  };
}

function toModule(shared: Shared, file: string, scope: Scope): PythonModule {
  const bindings = new Map<string, Setting>();
  for (const [name, binding] of scope.entries()) {
    // A name bound to something other than data (a module or callable outside the files read) is unknown, never unset.
    bindings.set(name, { name, values: binding.values.map(asData), location: binding.location });
  }
  return {
    file,
    bindings,
    files: shared.files,
    diagnostics: shared.diagnostics,
    unresolvedImports: shared.unresolvedImports,
    classes: shared.classes,
  };
}

export function evaluatePythonSource(
  source: string,
  file: string,
  environment?: ReadonlyMap<string, string>,
): PythonModule {
  if (environment) useDeploymentEnvironment(environment);
  try {
    const shared = newShared();
    const resolved = path.resolve(file);
    const scope = new Scope();
    shared.modules.set(resolved, undefined);
    evaluateText(shared, resolved, source, scope);
    return toModule(shared, resolved, scope);
  } finally {
    if (environment) useDeploymentEnvironment(new Map());
  }
}

/** Evaluates a settings module; variables the deployment sets (Compose, manifests) read as their values. */
export async function evaluatePythonModule(
  file: string,
  environment: ReadonlyMap<string, string> = new Map(),
): Promise<PythonModule> {
  useDeploymentEnvironment(environment);
  try {
    const shared = newShared();
    const resolved = path.resolve(file);
    shared.modules.set(resolved, undefined);
    const scope = evaluateInto(shared, resolved, new Scope());
    const read = deploymentVariablesRead();
    return { ...toModule(shared, resolved, scope), ...(read.length ? { deploymentVariables: read } : {}) };
  } finally {
    useDeploymentEnvironment(new Map());
  }
}

export type { Setting as PythonBinding };
