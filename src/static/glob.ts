/**
 * Include and import patterns of proxy configurations: `*`, `?` and `[...]` in any segment of a path,
 * as glob(3) (nginx), apr_fnmatch (Apache) and Go's filepath.Glob (Caddy) read them.
 */
import { lstatSync, readdirSync } from "node:fs";
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
}

/** One path segment of a glob as a regular expression; `*` and `?` never cross a `/`. */
function segmentRegex(glob: string): RegExp {
  let source = "";
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === "*") source += "[^/]*";
    else if (ch === "?") source += "[^/]";
    else if (ch === "[") {
      const end = glob.indexOf("]", i + 2);
      if (end === -1) source += "\\[";
      else {
        const body = glob
          .slice(i + 1, end)
          .replace(/^!/, "^")
          .replace(/\\/g, "\\\\");
        source += `[${body}]`;
        i = end;
      }
    } else source += ch.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

/** Whether a name matches one segment of a glob. */
export function segmentMatcher(glob: string, options: GlobOptions): (name: string) => boolean {
  const regex = segmentRegex(glob);
  const dotAllowed = options.leadingDot === "any" || glob.startsWith(".");
  return (name) => regex.test(name) && (dotAllowed || !name.startsWith("."));
}

/**
 * The paths a pattern names, each directory's matches in byte order. A matching name counts even when
 * it cannot be opened (a link loop, a dangling link): reading it then says why, as the server would.
 */
export function expandGlob(pattern: string, options: GlobOptions): string[] {
  if (!hasWildcard(pattern)) return lstatSync(pattern, { throwIfNoEntry: false }) ? [pattern] : [];
  const { root } = path.parse(pattern);
  let bases = [root];
  for (const segment of pattern.slice(root.length).split("/").filter(Boolean)) {
    if (!hasWildcard(segment)) {
      bases = bases.map((base) => path.join(base, segment));
      continue;
    }
    const matches = segmentMatcher(segment, options);
    bases = bases.flatMap((base) => {
      try {
        return readdirSync(base)
          .filter(matches)
          .sort()
          .map((name) => path.join(base, name));
      } catch {
        return [];
      }
    });
  }
  return bases.filter((file) => lstatSync(file, { throwIfNoEntry: false }) !== undefined);
}
