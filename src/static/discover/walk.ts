/**
 * The repository walk: every file a deployment could be described in, with what was left out and why.
 * Honours .gitignore files at every level (the `ignore` package implements git's matching rules).
 */
import { readdirSync, type Dirent } from "node:fs";
import { readTextFile } from "../../read-file.js";
import { join } from "node:path";
import ignore, { type Ignore } from "ignore";

export interface IgnoredPath {
  /** Relative to the root, with a trailing "/" for a directory. */
  path: string;
  reason: string;
}

export interface RepositoryFiles {
  /** Files relative to the root, "/"-separated, in walk order. */
  files: string[];
  ignored: IgnoredPath[];
}

/** Directories never holding deployment files of the project itself. */
const SKIPPED_DIRECTORIES: Record<string, string> = {
  ".git": "git's own data",
  ".hg": "mercurial's own data",
  node_modules: "installed npm packages",
  __pycache__: "Python bytecode",
  ".tox": "tox environments",
  ".nox": "nox environments",
  ".mypy_cache": "a type checker's cache",
  ".pytest_cache": "a test runner's cache",
  site_packages: "installed Python packages",
  "site-packages": "installed Python packages",
  tests: "test data, not the deployment",
  test: "test data, not the deployment",
  testdata: "test data, not the deployment",
  fixtures: "test data, not the deployment",
};

interface GitignoreScope {
  /** The directory holding the .gitignore, relative to the root ("" for the root), with a trailing "/". */
  base: string;
  rules: Ignore;
}

const MAX_GITIGNORE_BYTES = 1024 * 1024;

function gitignoreIn(root: string, dir: string, entries: Dirent[]): GitignoreScope | undefined {
  if (!entries.some((e) => e.name === ".gitignore" && e.isFile())) return undefined;
  try {
    return {
      base: dir,
      rules: ignore().add(readTextFile(join(root, dir, ".gitignore"), MAX_GITIGNORE_BYTES)),
    };
  } catch {
    return undefined;
  }
}

/** The .gitignore that excludes a path, if any; `path` ends in "/" for a directory. */
function ignoredBy(scopes: GitignoreScope[], path: string): GitignoreScope | undefined {
  // A deeper .gitignore can re-include what a shallower one excluded, so the deepest verdict wins.
  for (let i = scopes.length - 1; i >= 0; i--) {
    const scope = scopes[i] as GitignoreScope;
    const result = scope.rules.test(path.slice(scope.base.length));
    if (result.ignored) return scope;
    if (result.unignored) return undefined;
  }
  return undefined;
}

function readDirectory(path: string): Dirent[] {
  try {
    return readdirSync(path, { withFileTypes: true });
  } catch {
    return [];
  }
}

/** Walks `root` depth-first; symbolic links are not followed (they may leave the repository or loop). */
export function walkRepository(root: string): RepositoryFiles {
  const files: string[] = [];
  const ignored: IgnoredPath[] = [];
  const visit = (dir: string, scopes: GitignoreScope[]) => {
    const entries = readDirectory(join(root, dir));
    if (dir && entries.some((e) => e.name === "pyvenv.cfg" && e.isFile())) {
      ignored.push({ path: dir, reason: "a Python virtual environment (pyvenv.cfg)" });
      return;
    }
    const own = gitignoreIn(root, dir, entries);
    const active = own ? [...scopes, own] : scopes;
    for (const entry of entries) {
      const isDirectory = entry.isDirectory();
      if (!isDirectory && !entry.isFile()) continue;
      const path = `${dir}${entry.name}${isDirectory ? "/" : ""}`;
      const skipped = isDirectory ? SKIPPED_DIRECTORIES[entry.name] : undefined;
      if (skipped) {
        ignored.push({ path, reason: skipped });
        continue;
      }
      const rule = active.length ? ignoredBy(active, path) : undefined;
      if (rule) {
        // Files one by one would drown the report: only directories and deployment-looking files are named.
        if (isDirectory || looksDeployable(entry.name))
          ignored.push({ path, reason: `ignored by ${rule.base}.gitignore` });
        continue;
      }
      if (isDirectory) visit(path, active);
      else files.push(path);
    }
  };
  visit("", []);
  return { files, ignored };
}

/** Names worth mentioning when a .gitignore hides them (local settings, secrets in env files). */
function looksDeployable(name: string): boolean {
  return /settings|\.env$|^\.env|compose|\.conf$|Caddyfile|Dockerfile/i.test(name);
}
