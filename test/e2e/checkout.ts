/** Copies of this checkout, for tests that install or build proxytrust the way a user would. */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const PROJECT_ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** npm without its chatter; the cache is warm after `npm ci`, so the registry is asked only for what it lacks. */
export const NPM_QUIET = ["--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"];

/**
 * The files a clone of the working tree would hold (tracked and new files, nothing git ignores:
 * no node_modules, no dist), copied to `dest`, committed there as a git repository of its own.
 */
export function copyCheckout(dest: string): void {
  const listed = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
  });
  for (const file of listed.split("\0").filter(Boolean)) {
    const from = join(PROJECT_ROOT, file);
    if (!existsSync(from)) continue; // deleted in the working tree, not yet in the index
    mkdirSync(dirname(join(dest, file)), { recursive: true });
    cpSync(from, join(dest, file));
  }
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dest, stdio: "ignore" });
  git("init", "-q");
  git("add", "-A");
  git(
    "-c",
    "user.name=proxytrust tests",
    "-c",
    "user.email=tests@proxytrust.invalid",
    "commit",
    "-qm",
    "copy",
  );
}
