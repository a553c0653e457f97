/** Procfile lines (`web: gunicorn app.wsgi`), each run by a shell. */
import type { LoadError } from "../caddy/config-source.js";
import { newShell, runShell, type Launch } from "./model.js";

export function readProcfile(file: string, text: string): { launches: Launch[]; errors: LoadError[] } {
  const errors: LoadError[] = [];
  const launches = text.split("\n").flatMap((line, index): Launch[] => {
    const match = /^([A-Za-z0-9_-]+):\s*(.*?)\s*$/.exec(line);
    if (!match?.[1] || !match[2]) return [];
    const where = { file, line: index + 1 };
    return runShell(match[2], newShell(), where, errors).map((started) => ({
      ...started,
      location: where,
      kind: "procfile",
      name: match[1],
    }));
  });
  return { launches, errors };
}
