/**
 * A launch: one process start written in a file people commit (Dockerfile CMD/ENTRYPOINT, Compose
 * `command:`, a Procfile line, systemd `ExecStart=`, a start script), as the program's argv plus the
 * environment the same file gives it.
 */
import type { LoadError, Located } from "../caddy/config-source.js";
import { shellCommands, shellWords } from "./shell.js";

export type { LoadError, Located } from "../caddy/config-source.js";

export type LaunchFileKind = "dockerfile" | "compose" | "procfile" | "systemd" | "shell-script";

export interface Launch {
  /**
   * The program and its arguments as the process receives them. Shell syntax is resolved: `VAR=value`
   * prefixes and `env VAR=value` move to `env`, `exec` is dropped, and `sh -c '…'` becomes the commands
   * inside. Wrappers such as `tini --` or an entrypoint script stay: argv[0] is what gets started first.
   */
  argv: string[];
  /** Environment variables the same file sets for it (values as written, `$OTHER` not expanded). */
  env: Record<string, string>;
  /** The line that holds the command (a CMD, `command:`, Procfile or ExecStart line). */
  location: Located;
  kind: LaunchFileKind;
  /** The Compose service, Procfile process type or systemd unit the command belongs to. */
  name?: string;
}

export interface LaunchFile {
  kind: LaunchFileKind;
  launches: Launch[];
  errors: LoadError[];
}

const SHELLS = /^(?:\/usr)?(?:\/bin\/)?(?:sh|bash|dash|ash|zsh)$/;

/** A shell's variables: `env` is what the commands it starts inherit; `unexported` only its own expansions see. */
export interface Shell {
  env: Record<string, string>;
  unexported: Record<string, string>;
}

export const newShell = (env: Record<string, string> = {}): Shell => ({ env, unexported: {} });

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;
const VARIABLE_REFERENCE = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/**
 * The processes one argv starts, with shell layers peeled off: `sh -c 'a && exec b'` gives a and b,
 * `exec`, `env` and leading assignments are resolved into argv and env.
 */
export function peelCommand(
  argv: string[],
  env: Record<string, string>,
  where: Located,
  errors: LoadError[],
): { argv: string[]; env: Record<string, string> }[] {
  const ownEnv = { ...env };
  let rest = argv;
  for (;;) {
    const assignment = ASSIGNMENT.exec(rest[0] ?? "");
    if (assignment?.[1] !== undefined && assignment[2] !== undefined) {
      ownEnv[assignment[1]] = assignment[2];
      rest = rest.slice(1);
    } else if (rest[0] === "exec" || rest[0] === "env" || rest[0] === "/usr/bin/env") {
      rest = rest.slice(1);
    } else break;
  }
  const program = rest[0];
  if (program === undefined) return [];
  const dashC = rest.findIndex((word, i) => i > 0 && /^-[a-z]*c$/.test(word));
  if (SHELLS.test(program) && dashC > 0 && rest[dashC + 1] !== undefined) {
    return runShell(rest[dashC + 1] as string, newShell(ownEnv), where, errors);
  }
  return [{ argv: rest, env: ownEnv }];
}

/**
 * What `sh -c TEXT` starts. `NAME=value` alone sets a shell variable, which `$NAME` in later commands
 * reads and `export NAME` passes on; `export NAME=value` sets the environment of the commands after it
 * (and, for a caller that keeps the shell, of its later texts). Exported values stay as written.
 */
export function runShell(
  text: string,
  shell: Shell,
  where: Located,
  errors: LoadError[],
): { argv: string[]; env: Record<string, string> }[] {
  const commands = shellCommands(text);
  if (!commands) {
    errors.push({ ...where, message: "unterminated quote in the command line" });
    return [];
  }
  const { env, unexported } = shell;
  return commands.flatMap((command) => {
    if (command[0] === "export") {
      for (const word of command.slice(1)) {
        const assignment = ASSIGNMENT.exec(word);
        const name = assignment?.[1] ?? word;
        const value = assignment?.[2] ?? unexported[name];
        if (value !== undefined) env[name] = value;
        delete unexported[name];
      }
      return [];
    }
    if (command.length > 0 && command.every((word) => ASSIGNMENT.test(word))) {
      for (const word of command) {
        const [, name = "", value = ""] = ASSIGNMENT.exec(word)!;
        if (Object.hasOwn(env, name)) env[name] = value;
        else unexported[name] = value;
      }
      return [];
    }
    const expanded = command.map((word) =>
      word.replace(VARIABLE_REFERENCE, (reference, braced?: string, bare?: string) => {
        const name = (braced ?? bare)!;
        return Object.hasOwn(unexported, name) ? unexported[name]! : reference;
      }),
    );
    return peelCommand(expanded, env, where, errors);
  });
}

/** Command words of a line that is not run by a shell (Compose string form, systemd), or an error. */
export function splitWords(text: string, where: Located, errors: LoadError[]): string[] {
  const words = shellWords(text);
  if (words) return words;
  errors.push({ ...where, message: "unterminated quote in the command line" });
  return [];
}

/** `KEY=value` words (Compose list form, systemd Environment=, Dockerfile ENV) into a map. */
export function assignments(words: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const word of words) {
    const at = word.indexOf("=");
    if (at > 0) env[word.slice(0, at)] = word.slice(at + 1);
  }
  return env;
}
