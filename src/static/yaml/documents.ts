/** YAML files as plain data with the line of every key path: one parser for Traefik, Compose and Kubernetes. */
import type * as Yaml from "yaml";
import type { Document, LineCounter } from "yaml";
import { lazyPackage } from "../../lazy-package.js";

const yaml = lazyPackage<typeof Yaml>("yaml");
import type { LoadError } from "../caddy/config-source.js";

export type Tree = Record<string, unknown>;

export const isTree = (value: unknown): value is Tree =>
  typeof value === "object" && value !== null && !Array.isArray(value);
export const tree = (value: unknown): Tree => (isTree(value) ? value : {});
export const text = (value: unknown): string | undefined =>
  typeof value === "string"
    ? value
    : typeof value === "number" || typeof value === "boolean"
      ? String(value)
      : undefined;

export interface YamlDocument {
  file: string;
  data: Tree;
  /** The line of a key path, or of the nearest enclosing key found. */
  lineOf(path: (string | number)[]): number;
}

function located(file: string, doc: Document, lineCounter: LineCounter): YamlDocument {
  return {
    file,
    // Compose files reuse anchors in every service (`logging: *default`); the bound still stops a billion laughs.
    data: tree(doc.toJS({ maxAliasCount: 10_000 }) as unknown),
    // The line of the key itself, so a finding points at "web:" rather than the map under it.
    lineOf(path) {
      for (let depth = path.length; depth > 0; depth--) {
        const parent = depth === 1 ? doc.contents : doc.getIn(path.slice(0, depth - 1), true);
        const key = path[depth - 1];
        if (yaml().isMap(parent)) {
          const pair = parent.items.find((item) => yaml().isScalar(item.key) && item.key.value === key);
          const range = yaml().isNode(pair?.key) ? pair.key.range : undefined;
          if (range) return lineCounter.linePos(range[0]).line;
        }
        const node = doc.getIn(path.slice(0, depth), true);
        if (yaml().isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
      }
      return doc.contents?.range ? lineCounter.linePos(doc.contents.range[0]).line : 1;
    },
  };
}

/** The parser's first line; its own stack running out (hundreds of nested levels) in words. */
function readableMessage(message: string): string {
  const first = message.split("\n")[0] ?? "invalid YAML";
  return first.startsWith("Maximum call stack size exceeded")
    ? `nested too deeply to be read${first.slice("Maximum call stack size exceeded".length).replace(/:$/, "")}`
    : first;
}

/** Every document of a YAML stream (`---`-separated), or the first syntax error. */
export function parseYamlDocuments(file: string, source: string): YamlDocument[] | LoadError {
  const { LineCounter, parseAllDocuments } = yaml();
  const lineCounter = new LineCounter();
  // Compose files share settings through `<<: *anchor` merge keys (YAML 1.1), which the 1.2 core schema leaves as a key.
  const docs = parseAllDocuments(source, { lineCounter, uniqueKeys: false, merge: true });
  if (!Array.isArray(docs)) return [];
  for (const doc of docs) {
    const problem = doc.errors[0];
    if (problem)
      return {
        file,
        line: problem.linePos?.[0]?.line ?? 1,
        message: readableMessage(problem.message),
      };
  }
  return docs.map((doc) => located(file, doc, lineCounter));
}
