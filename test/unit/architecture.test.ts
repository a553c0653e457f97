/**
 * The layout is the architecture: modules import downward only (cli, then commands, then checks and
 * rules, then parsers and transport, then the report model), and no module depends on itself through
 * others. Read from the sources' import lines, type imports included.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../../src");

interface Edge {
  from: string;
  to: string;
  /** `import type` / `export type`: erased at run time, still a dependency of the design. */
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s+(type\s+)?[^;]*?\sfrom\s+"(\.[^"]+)"|\bimport\("(\.[^"]+)"\)/g;

const edges: Edge[] = sourceFiles(SRC).flatMap((file) =>
  [...readFileSync(file, "utf8").matchAll(IMPORT)].map((match) => ({
    from: relative(SRC, file),
    to: relative(SRC, resolve(dirname(file), (match[2] ?? match[3])!.replace(/\.js$/, ".ts"))),
    typeOnly: match[1] !== undefined,
  })),
);

const offending = (test: (edge: Edge) => boolean) =>
  edges.filter(test).map((edge) => `${edge.from} -> ${edge.to}`);

test("the import lines are read: the graph holds the modules and their edges", () => {
  assert.ok(edges.length > 500, `only ${edges.length} imports read`);
  assert.ok(edges.some((e) => e.from === "cli/main.ts"));
  assert.ok(edges.some((e) => e.typeOnly) && edges.some((e) => !e.typeOnly));
});

test("no module depends on itself through others", () => {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) next.set(from, [...(next.get(from) ?? []), to]);
  const state = new Map<string, "open" | "done">();
  const cycles: string[] = [];
  const visit = (file: string, path: string[]): void => {
    state.set(file, "open");
    for (const to of next.get(file) ?? []) {
      if (state.get(to) === "open") cycles.push([...path.slice(path.indexOf(to)), to].join(" -> "));
      else if (!state.has(to)) visit(to, [...path, to]);
    }
    state.set(file, "done");
  };
  for (const file of next.keys()) if (!state.has(file)) visit(file, [file]);
  assert.deepEqual(cycles, []);
});

test("only the CLI imports the CLI", () => {
  assert.deepEqual(
    offending((e) => !e.from.startsWith("cli/") && e.to.startsWith("cli/")),
    [],
  );
});

test("transport and parsers import nothing above them", () => {
  const above = /^(cli|scan|static|fleet|doctor|init|logs|config)\//;
  assert.deepEqual(
    offending((e) => /^(transport|parsers)\//.test(e.from) && above.test(e.to)),
    [],
  );
});

test("a family of static rules imports no other family, and nothing below the rules imports them", () => {
  const family = (path: string) => /^static\/rules\/([^/]+)\//.exec(path)?.[1];
  assert.deepEqual(
    offending(
      (e) => family(e.from) !== undefined && family(e.to) !== undefined && family(e.from) !== family(e.to),
    ),
    [],
  );
  // The audit runs the rules; the parsers and queries under src/static are what rules stand on.
  assert.deepEqual(
    offending(
      (e) =>
        e.from.startsWith("static/") &&
        !e.from.startsWith("static/rules/") &&
        e.from !== "static/audit.ts" &&
        e.to.startsWith("static/rules/"),
    ),
    [],
  );
});

test("fetching is separate from judging: collectors never call a check, checks never send", () => {
  assert.deepEqual(
    offending(
      (e) =>
        e.from.startsWith("scan/") &&
        !/^scan\/(checks\/|run\.ts)/.test(e.from) &&
        e.to.startsWith("scan/checks/"),
    ),
    [],
  );
  assert.deepEqual(
    offending(
      (e) =>
        e.from.startsWith("scan/checks/") &&
        !e.typeOnly &&
        /^(transport\/|scan\/(collect|probe-client))/.test(e.to),
    ),
    [],
  );
});
