/**
 * A CommonJS package loaded at its first use, not when the module naming it is imported: the audit
 * command holds every parser, and an nginx audit has no use for YAML, TOML or Python's grammar (tens
 * of milliseconds each to load). require(), not import(): importing a CommonJS package as ESM first
 * scans it for module syntax and exports, which costs more than compiling it. Only for packages whose
 * `require` resolves to CommonJS: require() of an ES module (set-cookie-parser's "module-sync") waits
 * forever when an asynchronous loader hook is registered, e.g. `NODE_OPTIONS=--import tsx`.
 */
import { createRequire } from "node:module";

const load = createRequire(import.meta.url);

export function lazyPackage<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= load(name) as T);
}
