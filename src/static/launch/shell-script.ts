/** Start scripts (docker-entrypoint.sh, start.sh): every command they run, with the variables they export. */
import type { LoadError } from "../caddy/config-source.js";
import { newShell, runShell, type Launch } from "./model.js";

/** Words that open or close shell compound commands; what follows them on the line is still a command. */
const KEYWORDS = new Set(["if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}"]);

export function readShellScript(file: string, text: string): { launches: Launch[]; errors: LoadError[] } {
  const errors: LoadError[] = [];
  const shell = newShell();
  const launches: Launch[] = [];
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index++) {
    const line = index + 1;
    let body = (lines[index] as string).replace(/\r$/, "");
    while (/\\$/.test(body) && index + 1 < lines.length) body = `${body.slice(0, -1)} ${lines[++index]}`;
    const where = { file, line };
    // One shell for the whole script: what a line sets or exports, the lines after it see.
    for (const started of runShell(body, shell, where, errors)) {
      const argv = started.argv.slice(started.argv.findIndex((w) => !KEYWORDS.has(w)));
      if (argv.length === 0 || KEYWORDS.has(argv[0] as string)) continue;
      launches.push({ ...started, argv, location: where, kind: "shell-script" });
    }
  }
  return { launches, errors };
}
