/**
 * Where a reported file lives relative to its repository, so a SARIF location means the same
 * file on the developer's machine and in GitHub code scanning (which resolves paths from the
 * repository root).
 */
import { existsSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";

export interface RepoPath {
  /** Absolute directory the path is relative to: the git root of the file, else the working directory. */
  root: string;
  /** Forward-slash path below root. */
  path: string;
}

/** The nearest ancestor holding `.git` (a directory, or a file in worktrees and submodules). */
export function gitRoot(start: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(resolve(dir, ".git"))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** `file` (absolute, or relative to cwd) as a path below its git root, else below cwd; undefined when outside both. */
export function repoPath(file: string, cwd: string): RepoPath | undefined {
  const absolute = resolve(cwd, file);
  for (const root of [gitRoot(dirname(absolute)), cwd]) {
    if (root === undefined) continue;
    const below = relative(root, absolute);
    if (below && !below.startsWith("..") && !isAbsolute(below))
      return { root, path: below.split(sep).join("/") };
  }
  return undefined;
}
