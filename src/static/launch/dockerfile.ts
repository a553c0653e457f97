/** Dockerfile CMD / ENTRYPOINT (exec and shell form) and ENV, in the stage the image is built from. */
import type { LoadError, Located } from "../caddy/config-source.js";
import { assignments, newShell, peelCommand, runShell, splitWords, type Launch } from "./model.js";

/** A CMD or ENTRYPOINT as written: exec form (a JSON array) or shell form (run by `/bin/sh -c`). */
type Instruction = ({ exec: string[] } | { shell: string }) & Located;

interface Stage {
  name?: string;
  env: Record<string, string>;
  cmd?: Instruction;
  entrypoint?: Instruction;
}

interface Line extends Located {
  keyword: string;
  rest: string;
}

/** Logical instruction lines: comments dropped, backslash continuations joined. */
function instructions(file: string, text: string): Line[] {
  const lines: Line[] = [];
  let pending: Line | undefined;
  text.split("\n").forEach((raw, index) => {
    const line = raw.replace(/\r$/, "");
    if (/^\s*#/.test(line) || (pending && line.trim() === "")) return;
    const continued = /\\\s*$/.test(line);
    const body = continued ? line.replace(/\\\s*$/, "") : line;
    if (pending) pending.rest += ` ${body.trim()}`;
    else {
      const match = /^\s*([A-Za-z]+)\s*(.*)$/.exec(body);
      if (!match) return;
      pending = { file, line: index + 1, keyword: (match[1] as string).toUpperCase(), rest: match[2] ?? "" };
    }
    if (!continued) {
      lines.push(pending);
      pending = undefined;
    }
  });
  if (pending) lines.push(pending);
  return lines;
}

function instruction(line: Line): Instruction {
  const where = { file: line.file, line: line.line };
  const text = line.rest.trim();
  if (text.startsWith("[")) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed) && parsed.every((w) => typeof w === "string")) {
        return { ...where, exec: parsed as string[] };
      }
    } catch {
      // Not valid JSON: Docker runs it as shell form, and so is it read here.
    }
  }
  return { ...where, shell: text };
}

/** `ENV A=1 B="two words"` or the old `ENV A one value`. */
function envOf(rest: string, where: Located, errors: LoadError[]): Record<string, string> {
  const legacy = /^([A-Za-z_][A-Za-z0-9_]*)\s+([^=]*)$/.exec(rest.trim());
  // Docker removes quotes from the legacy form's value too.
  if (legacy?.[1] !== undefined) return { [legacy[1]]: splitWords(legacy[2] ?? "", where, errors).join(" ") };
  return assignments(splitWords(rest, where, errors));
}

export function readDockerfile(file: string, text: string): { launches: Launch[]; errors: LoadError[] } {
  const errors: LoadError[] = [];
  const final = finalStage(file, text, errors);
  return { launches: final ? stageLaunches(final, errors) : [], errors };
}

/** What Compose overrides of an image: `entrypoint:` and `command:` as words, `environment:` over ENV. */
export interface ComposeOverride {
  entrypoint?: string[];
  command?: string[];
  env: Record<string, string>;
  location: Located;
}

/**
 * What a Compose service runs, combined with the Dockerfile built for it (if any) as Docker does: the
 * image's ENTRYPOINT with the service's command, an `entrypoint:` of its own dropping the image's CMD,
 * and the service's environment over the image's ENV.
 */
export function composeLaunches(
  dockerfile: { file: string; text: string } | undefined,
  override: ComposeOverride,
): Launch[] {
  const errors: LoadError[] = [];
  const image = (dockerfile && finalStage(dockerfile.file, dockerfile.text, errors)) ?? { env: {} };
  const own = (words: string[] | undefined): Instruction | undefined =>
    words ? { exec: words, ...override.location } : undefined;
  const stage: Stage = {
    env: { ...image.env, ...override.env },
    entrypoint: own(override.entrypoint) ?? image.entrypoint,
    cmd: own(override.command) ?? (override.entrypoint ? undefined : image.cmd),
  };
  return stageLaunches(stage, errors).map((launch) => ({ ...launch, kind: "compose" }));
}

/** The stage the image is built from, with the ENV, CMD and ENTRYPOINT it inherits. */
function finalStage(file: string, text: string, errors: LoadError[]): Stage | undefined {
  const stages: Stage[] = [];
  for (const line of instructions(file, text)) {
    const where = { file, line: line.line };
    if (line.keyword === "FROM") {
      const [, base, name] = /^(?:--\S+\s+)*(\S+)(?:\s+as\s+(\S+))?/i.exec(line.rest.trim()) ?? [];
      const parent = stages.find((s) => s.name !== undefined && s.name === base?.toLowerCase());
      stages.push({ ...parent, env: { ...parent?.env }, name: name?.toLowerCase() });
      continue;
    }
    const stage = stages[stages.length - 1];
    if (!stage) continue;
    if (line.keyword === "ENV") Object.assign(stage.env, envOf(line.rest, where, errors));
    if (line.keyword === "CMD") stage.cmd = instruction(line);
    if (line.keyword === "ENTRYPOINT") {
      stage.entrypoint = instruction(line);
      // Docker resets an inherited CMD when ENTRYPOINT is set; a CMD in the same stage comes after it.
      stage.cmd = undefined;
    }
  }
  return stages[stages.length - 1];
}

function stageLaunches(stage: Stage, errors: LoadError[]): Launch[] {
  const { cmd, entrypoint, env } = stage;
  const shown = cmd ?? entrypoint;
  if (!shown) return [];
  const where = { file: shown.file, line: shown.line };
  let started: { argv: string[]; env: Record<string, string> }[];
  if (entrypoint && "shell" in entrypoint) {
    // A shell-form ENTRYPOINT ignores CMD.
    started = runShell(entrypoint.shell, newShell({ ...env }), entrypoint, errors);
  } else {
    const cmdWords = !cmd ? [] : "exec" in cmd ? cmd.exec : ["/bin/sh", "-c", cmd.shell];
    started = peelCommand([...(entrypoint?.exec ?? []), ...cmdWords], env, where, errors);
  }
  const location =
    entrypoint && "shell" in entrypoint ? { file: entrypoint.file, line: entrypoint.line } : where;
  return started.map((p) => ({ ...p, location, kind: "dockerfile" }));
}
