/** zod's findings as the one line a user reads: the key path of the first problem, and how many more. */
import type { z } from "zod";

/** `targets[2].url`, from zod's path segments. */
export function keyPath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else text += text ? `.${String(segment)}` : String(segment);
  }
  return text || "(top level)";
}

export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const [first] = issues;
  if (!first) return "invalid";
  const more =
    issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})` : "";
  return `${keyPath(first.path)}: ${first.message}${more}`;
}
