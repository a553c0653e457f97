/**
 * What the static audit knows about a Django settings module: every setting with all the
 * values it can take (one per if/else branch), where each value may come from the
 * environment or be unknown with a reason. Rules read this model only.
 */
import type { SourceLocation } from "../../report/model.js";

/** A Python value known statically. List and tuple items may themselves come from the environment. */
export type PyValue =
  | { kind: "none" }
  | { kind: "bool"; value: boolean }
  | { kind: "int"; value: number }
  | { kind: "float"; value: number }
  | { kind: "str"; value: string }
  | { kind: "list"; items: PossibleValue[] }
  | { kind: "tuple"; items: PossibleValue[] }
  | { kind: "dict"; entries: DictEntry[] };

export interface DictEntry {
  key: PossibleValue;
  value: PossibleValue;
}

/**
 * What the value is when the variable is set: "bool", "int", "list" (of strings), "str"
 * (an explicit string cast, e.g. env.str) or "none": the raw string with no cast at all,
 * which is how `os.environ.get("DEBUG", False)` ends up truthy for "False".
 */
export type EnvCast = "bool" | "list" | "str" | "int" | "none";

/** A value read from the environment: `default` is what the expression yields when the variable is unset. */
export interface EnvValue {
  kind: "env";
  env: string;
  default?: PossibleValue;
  cast: EnvCast;
}

export interface UnknownValue {
  kind: "unknown";
  reason: string;
  /** A secret read at runtime (audit --python) and withheld: only its shape is known. */
  secret?: SecretShape;
}

/** What the audit may know about a withheld SECRET_KEY: enough to judge its strength, not its text. */
export interface SecretShape {
  length: number;
  distinct: number;
  /** Starts with "django-insecure-", the prefix of the keys startproject generates. */
  developmentPrefix: boolean;
}

/** Not assigned on this path (e.g. only set inside an `if`): Django's default applies. */
export interface UnsetValue {
  kind: "unset";
}

export type PossibleValue = PyValue | EnvValue | UnknownValue | UnsetValue;

export interface Setting {
  name: string;
  /** Every value the setting can take, one per branch that assigns it (deduplicated). */
  values: PossibleValue[];
  /** The last assignment read. */
  location: SourceLocation;
}

export interface PythonDiagnostic extends SourceLocation {
  severity: "error" | "warning";
  message: string;
}

export interface DjangoSettings {
  /** The settings module the audit was pointed at. */
  entry: string;
  /** Every file read, star-imported base modules included, in reading order. */
  files: string[];
  diagnostics: PythonDiagnostic[];
  /** Upper-case module-level names, as Django reads them. */
  settings: ReadonlyMap<string, Setting>;
  /** Variables whose value came from the deployment (Compose, manifests) instead of staying symbolic. */
  deploymentVariables?: string[];
  /** Star imports that could not be read: any setting may come from them. */
  unresolvedImports: SourceLocation[];
  get(name: string): Setting | undefined;
  /**
   * The values Django would see: `unset` and an absent setting become Django's default
   * (when known), or `unknown` when an unresolved star import may have set it.
   */
  values(name: string): PossibleValue[];
  /** Where a rule should point for this setting: its last assignment, or the entry file. */
  locate(name: string): SourceLocation;
}
