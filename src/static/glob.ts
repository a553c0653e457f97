/**
 * Include and import patterns of proxy configurations: `*`, `?` and `[...]` in any segment of a path,
 * as glob(3) (nginx), apr_fnmatch (Apache) and Go's filepath.Glob (Caddy) read them.
 */
import { lstatSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

export function hasWildcard(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

export interface GlobOptions {
  /**
   * `explicit`: a name starting with a dot matches only a segment that starts with one (glob(3)
   * without GLOB_PERIOD, fnmatch's FNM_PERIOD); `any`: wildcards match it too (Go's filepath.Glob).
   */
  leadingDot: "explicit" | "any";
  /** A symbolic link matched before the last segment: followed (glob(3), Go), or skipped (Apache). */
  links: "follow" | "skip";
}

/**
 * One path segment of a glob as a regular expression; `*` and `?` never cross a `/`. In a class, a
 * leading `]` is literal; a class that is no valid range (`[z-a]`) matches nothing, as no name fits it.
 */
function segmentRegex(glob: string): RegExp | undefined {
  let source = "";
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === "*") source += "[^/]*";
    else if (ch === "?") source += "[^/]";
    else if (ch === "[") {
      let start = i + 1;
      if (glob[start] === "!") start++;
      const end = glob.indexOf("]", glob[start] === "]" ? start + 1 : start);
      if (end === -1) source += "\\[";
      else {
        const negated = glob[i + 1] === "!";
        const body = glob.slice(start, end).replace(/[\\\][]/g, "\\$&");
        source += `[${negated ? "^" : ""}${body}]`;
        i = end;
      }
    } else source += ch.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  try {
    return new RegExp(`^${source}$`);
  } catch {
    return undefined;
  }
}

/** Whether a name matches one segment of a glob. */
export function segmentMatcher(glob: string, options: GlobOptions): (name: string) => boolean {
  const regex = segmentRegex(glob);
  const dotAllowed = options.leadingDot === "any" || glob.startsWith(".");
  return (name) => regex !== undefined && regex.test(name) && (dotAllowed || !name.startsWith("."));
}

/** Paths one pattern may stand for on the way: a few links back into their own folder multiply them. */
export const MAX_GLOB_PATHS = 10_000;

export function entryExists(file: string): boolean {
  try {
    return lstatSync(file, { throwIfNoEntry: false }) !== undefined;
  } catch {
    // A path through a file or a link loop (ENOTDIR, ELOOP) names nothing.
    return false;
  }
}

/** Whether a path leads into a directory; `links: "skip"` takes a symbolic link for none, as Apache does. */
function isDirectory(file: string, links: GlobOptions["links"]): boolean {
  try {
    const stat = links === "skip" ? lstatSync(file) : statSync(file);
    return stat.isDirectory();
  } catch {
    return false;
  }
}

/**
 * The entries of one folder that match one wildcard segment, in byte order; directories only when
 * more segments follow. Throws when the folder cannot be read.
 */
export function matchingEntries(
  base: string,
  segment: string,
  options: GlobOptions,
  directoriesOnly: boolean,
): string[] {
  return readdirSync(base)
    .filter(segmentMatcher(segment, options))
    .sort()
    .map((name) => path.join(base, name))
    .filter((found) => !directoriesOnly || isDirectory(found, options.links));
}

/**
 * The paths a pattern names, each directory's matches in byte order; a wildcard before the last segment
 * matches directories only. A last match counts even when it cannot be opened (a link loop, a dangling
 * link): reading it then says why, as the server would. Throws past MAX_GLOB_PATHS.
 */
export function expandGlob(pattern: string, options: GlobOptions): string[] {
  if (!hasWildcard(pattern)) return entryExists(pattern) ? [pattern] : [];
  const { root } = path.parse(pattern);
  const segments = pattern.slice(root.length).split("/").filter(Boolean);
  let bases = [root];
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    if (!hasWildcard(segment)) {
      bases = bases.map((base) => path.join(base, segment));
      return;
    }
    bases = bases.flatMap((base) => {
      try {
        return matchingEntries(base, segment, options, !last);
      } catch {
        return [];
      }
    });
    if (bases.length > MAX_GLOB_PATHS)
      throw new Error(`the pattern ${pattern} stands for more than ${MAX_GLOB_PATHS} paths`);
  });
  return bases.filter(entryExists);
}
