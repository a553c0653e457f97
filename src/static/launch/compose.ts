/** docker-compose services: `command:`, `entrypoint:` and `environment:`, each service its own launch. */
import type { LoadError, Located } from "../caddy/config-source.js";
import { parseYamlDocuments, tree } from "../yaml/documents.js";
import { assignments, peelCommand, splitWords, type Launch } from "./model.js";

export function readCompose(file: string, text: string): { launches: Launch[]; errors: LoadError[] } {
  const docs = parseYamlDocuments(file, text);
  if (!Array.isArray(docs)) return { launches: [], errors: [docs] };
  const [doc] = docs;
  if (!doc) return { launches: [], errors: [] };
  const errors: LoadError[] = [];
  const launches: Launch[] = [];
  // Values as Compose sees them, merge keys (`<<: *app`) resolved.
  for (const [name, value] of Object.entries(tree(doc.data.services))) {
    const service = tree(value);
    const { command, entrypoint } = service;
    if (command === undefined && entrypoint === undefined) continue;
    const where = {
      file,
      line: doc.lineOf(["services", name, command !== undefined ? "command" : "entrypoint"]),
    };
    const words = (value: unknown) => composeCommandWords(value, where, errors);
    const env = environment(service.environment);
    for (const started of peelCommand([...words(entrypoint), ...words(command)], env, where, errors)) {
      launches.push({ ...started, location: where, kind: "compose", name });
    }
  }
  return { launches, errors };
}

/** A `command:` or `entrypoint:` value: Compose splits a string like a shell would, but runs no shell. */
export function composeCommandWords(value: unknown, where: Located, errors: LoadError[]): string[] {
  if (typeof value === "string") return splitWords(value, where, errors);
  return Array.isArray(value) ? value.map(String) : [];
}

/** `environment:` as a map (values may be numbers, booleans or null) or a list of `KEY=value`. */
function environment(value: unknown): Record<string, string> {
  if (Array.isArray(value)) return assignments(value.map(String));
  if (!value || typeof value !== "object") return {};
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => [k, String(v)]),
  );
}
