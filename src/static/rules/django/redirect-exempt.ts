import type { RuleFinding } from "../../rule.js";
import { pythonRegex } from "../../python/regex.js";
import { finding, settingsRule } from "./shared.js";
import { candidates, judgedOn } from "../../python/settings-queries.js";

const NAME = "SECURE_REDIRECT_EXEMPT";
/**
 * Paths as Django matches them (the leading slash stripped), of every shape a site serves: a
 * pattern that matches all of them exempts every page, whatever its spelling (`.*`, `^|x`, `^(x)?`).
 * The root ("") is left out: `^.+$` spares only the home page, which is as good as every page.
 */
const SAMPLE_PATHS = [
  "a",
  "Z",
  "9",
  "-",
  "login/",
  "admin/login/",
  "accounts/password_reset/done/",
  "static/css/site.4f2a.css",
  "api/v1/orders/42",
  "index.html",
];

function patternProblem(pattern: string): { status: "fail" | "warn" | "error"; problem: string } | undefined {
  const regex = pythonRegex(pattern);
  if (!regex)
    return {
      status: "error",
      problem: `r'${pattern}' could not be read as a regular expression here, so what it exempts is not known`,
    };
  if (SAMPLE_PATHS.every((path) => regex.test(path))) {
    return { status: "fail", problem: `r'${pattern}' matches every path, so nothing is redirected to HTTPS` };
  }
  // Inline flags such as (?i) come before the anchor.
  const body = pattern.replace(/^\(\?[aiLmsux]+\)/, "");
  if (/^(\^|\\A)?\//.test(body)) {
    return {
      status: "fail",
      problem: `r'${pattern}' starts with '/', but Django strips the leading slash before matching, so it never matches`,
    };
  }
  if (!/^(\^|\\A)/.test(body)) {
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
