/**
 * Values the evaluator handles internally besides Python data: references to modules and
 * callables outside the files read (os.environ.get, environ.Env...), django-environ readers,
 * modules read and functions defined in the settings files. The settings model gets them only
 * as `unknown` values (asData).
 */
import type { EnvCast, EnvValue, PossibleValue } from "./settings-model.js";
import { unknown } from "./values.js";

/** A dotted path outside the files read, e.g. "os.environ.get" or "builtins.bool". */
export interface RefValue {
  kind: "ref";
  path: string;
  /** For split_settings.optional("file"): the file. */
  arg?: string;
  /** The import that bound it to a module the audit could not read: "module .base, imported at file:line". */
  importedFrom?: string;
}

/** A module of the project that was read (`from . import base`, `import proj.settings.base as base`). */
export interface ModuleValue {
  kind: "module";
  name: string;
  /** Its source file, the key of its namespace among the modules evaluated. */
  file: string;
}

export interface EnvSchemaEntry {
  cast: EnvCast;
  default?: PossibleValue;
}

/** A django-environ `environ.Env(...)` object, or one of its methods (`env.bool`). */
export interface EnvReaderValue {
  kind: "env-reader";
  schema: ReadonlyMap<string, EnvSchemaEntry>;
  method?: string;
  /** Part of the schema came from **kwargs: names missing from it are unknown, not schema-less. */
  partial: boolean;
}

/** A `def` in a file read: only its name and whether it reads the environment are used. */
export interface FunctionValue {
  kind: "function";
  name: string;
  readsEnv: boolean;
  /** Names its body declares `global`: calling it may rebind them to anything. */
  writesGlobals: string[];
}

export type Value = PossibleValue | RefValue | EnvReaderValue | FunctionValue | ModuleValue;

/** Every possible value of an expression. */
export type Alternatives = Value[];

export const MAX_ALTERNATIVES = 16;

/**
 * Work left for the evaluation in progress (it is synchronous, so one counter suffices).
 * Copying and comparing values is charged by size: a settings file that keeps growing a
 * list in every branch stops with a diagnostic instead of taking quadratic time.
 */
let workLeft = Number.POSITIVE_INFINITY;

export class WorkBudgetExceeded extends Error {}

export function startWork(units: number): void {
  workLeft = units;
}

export function addWork(units: number): void {
  workLeft += units;
}

export function charge(units: number): void {
  workLeft -= units;
  if (workLeft < 0) throw new WorkBudgetExceeded("work budget for the input size exhausted");
}
/**
 * Literal environment values the deployment sets (Compose, manifests), for the evaluation in progress
 * (synchronous, like the work budget), and the names the settings actually read from it.
 */
let deploymentEnvironment: ReadonlyMap<string, string> = new Map();
const deploymentReads = new Set<string>();

export function useDeploymentEnvironment(environment: ReadonlyMap<string, string>): void {
  deploymentEnvironment = environment;
  deploymentReads.clear();
}

/** The deployment's value of a variable, remembered as read; undefined when the deployment does not set it. */
export function deploymentValue(name: string): string | undefined {
  const value = deploymentEnvironment.get(name);
  if (value !== undefined) deploymentReads.add(name);
  return value;
}

export function deploymentVariablesRead(): string[] {
  return [...deploymentReads];
}

export const MAX_STRING = 100_000;
export const MAX_ITEMS = 10_000;

export function isData(value: Value): value is PossibleValue {
  return (
    value.kind !== "ref" &&
    value.kind !== "env-reader" &&
    value.kind !== "function" &&
    value.kind !== "module"
  );
}

export function isEnv(value: Value): value is EnvValue {
  return value.kind === "env";
}

/** Internal objects as data: an `unknown` naming what they are. */
export function asData(value: Value): PossibleValue {
  if (isData(value)) return value;
  if (value.kind === "ref")
    return unknown(
      value.importedFrom
        ? `${value.path} comes from ${value.importedFrom}, outside the files read`
        : `${value.path} (outside the files read)`,
    );
  if (value.kind === "module") return unknown(`module ${value.name}`);
  if (value.kind === "function") return unknown(`function ${value.name}`);
  return unknown("django-environ Env object");
}

/** Keeps at most MAX_ALTERNATIVES possible values, saying so when some were dropped. */
export function capAlternatives<T extends Value>(values: T[]): (T | PossibleValue)[] {
  if (values.length <= MAX_ALTERNATIVES) return values;
  return [
    ...values.slice(0, MAX_ALTERNATIVES - 1),
    unknown(`more than ${MAX_ALTERNATIVES} possible values; the rest were not followed`),
  ];
}

/**
 * Applies `fn` to every combination of the arguments' alternatives. Combinations beyond
 * MAX_ALTERNATIVES collapse into one unknown so a chain of if/else stays linear.
 */
export function combine(parts: Alternatives[], fn: (args: Value[]) => Alternatives): Alternatives {
  const total = parts.reduce((n, p) => n * Math.max(p.length, 1), 1);
  if (total > MAX_ALTERNATIVES)
    return [unknown(`more than ${MAX_ALTERNATIVES} combinations of possible values`)];
  let rows: Value[][] = [[]];
  for (const part of parts) {
    const options = part.length > 0 ? part : [unknown("no value")];
    rows = rows.flatMap((row) => options.map((option) => [...row, option]));
  }
  const seen = new Set<string>();
  const out: Alternatives = [];
  for (const row of rows) {
    for (const result of fn(row)) {
      const key = JSON.stringify(result);
      charge(1 + (key.length >> 4));
      if (!seen.has(key)) {
        seen.add(key);
        out.push(result);
      }
    }
  }
  return capAlternatives(out);
}
