import type { RuleFinding } from "../../rule.js";
import { candidates, finding, judgedOn, settingsRule } from "./shared.js";

const NAME = "SECURE_REDIRECT_EXEMPT";
/** Patterns that match every path once Django has stripped the leading slash. */
const MATCHES_EVERYTHING = /^\^?(\.\*|\.\+|\.|\(\.\*\)|)\$?$/;

function patternProblem(pattern: string): { status: "fail" | "warn"; problem: string } | undefined {
  if (MATCHES_EVERYTHING.test(pattern)) {
    return { status: "fail", problem: `r'${pattern}' matches every path, so nothing is redirected to HTTPS` };
  }
  if (/^\^?\//.test(pattern)) {
    return {
      status: "fail",
      problem: `r'${pattern}' starts with '/', but Django strips the leading slash before matching, so it never matches`,
    };
  }
  if (!pattern.startsWith("^")) {
    return {
      status: "warn",
      problem: `r'${pattern}' is not anchored with '^': Django uses re.search, so it also exempts any path that merely contains it`,
    };
  }
  return undefined;
}

export const redirectExempt = settingsRule(
  {
    id: "django-redirect-exempt",
    clause: "health-exempt",
    severity: "medium",
    title: "SECURE_REDIRECT_EXEMPT patterns are unanchored, too broad or never match",
    explanation:
      "Django searches each pattern in the path without its leading slash. An unanchored pattern exempts more paths than intended from the HTTPS redirect, '.*' exempts all of them, and a pattern starting with '/' never matches, so the health check is redirected after all.",
    fix: { django: "SECURE_REDIRECT_EXEMPT = [r'^healthz$']" },
  },
  (settings) =>
    candidates(settings, NAME).flatMap((c): RuleFinding[] => {
      const items = c.value.kind === "list" || c.value.kind === "tuple" ? c.value.items : [];
      return items.flatMap((item) => {
        const found = item.kind === "str" ? patternProblem(item.value) : undefined;
        return found
          ? [finding(settings, NAME, found.status, `${c.label}: ${found.problem}${judgedOn(c)}.`)]
          : [];
      });
    }),
);
