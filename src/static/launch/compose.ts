/** docker-compose services: `command:`, `entrypoint:` and `environment:`, each service its own launch. */
import type * as Yaml from "yaml";
import type { Node } from "yaml";
import { lazyPackage } from "../../lazy-package.js";
import type { LoadError, Located } from "../caddy/config-source.js";
import { assignments, peelCommand, splitWords, type Launch } from "./model.js";

const yaml = lazyPackage<typeof Yaml>("yaml");

export function readCompose(file: string, text: string): { launches: Launch[]; errors: LoadError[] } {
  const { isMap, isNode, isScalar, LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false });
  const problem = doc.errors[0];
  if (problem) {
    const message = problem.message.split("\n")[0] ?? "invalid YAML";
    return { launches: [], errors: [{ file, line: problem.linePos?.[0]?.line ?? 1, message }] };
  }
  const services = doc.get("services", true);
  if (!isMap(services)) return { launches: [], errors: [] };
  const errors: LoadError[] = [];
  const launches: Launch[] = [];
  const lineOf = (node: unknown) =>
    isNode(node) && node.range ? lineCounter.linePos(node.range[0]).line : 1;
  for (const pair of services.items) {
    if (!isScalar(pair.key) || !isMap(pair.value)) continue;
    const name = String(pair.key.value);
    const service = pair.value;
    const command = service.get("command", true) as Node | undefined;
    const entrypoint = service.get("entrypoint", true) as Node | undefined;
    const shown = command ?? entrypoint;
    if (!shown) continue;
    const where = { file, line: lineOf(shown) };
    const words = (node: Node | undefined) => composeCommandWords(node?.toJSON(), where, errors);
    const env = environment(service.get("environment", true)?.toJSON());
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
