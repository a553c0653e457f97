import type { RuleFinding } from "../../rule.js";
import { finding, settingsRule } from "./shared.js";
import { candidates, isTruthy, judgedOn } from "../../python/settings-queries.js";

const COOKIES = [
  ["SESSION_COOKIE_SAMESITE", "SESSION_COOKIE_SECURE"],
  ["CSRF_COOKIE_SAMESITE", "CSRF_COOKIE_SECURE"],
] as const;

export const samesiteNone = settingsRule(
  {
    id: "django-samesite-none-insecure",
    clause: "cookie-flags",
    severity: "medium",
    title: "SameSite=None cookie without Secure",
    explanation:
      "Browsers reject a SameSite=None cookie that is not also Secure: the cookie is silently dropped and users cannot log in or post forms.",
    fix: { django: "SESSION_COOKIE_SAMESITE = 'Lax'  # or keep 'None' and set SESSION_COOKIE_SECURE = True" },
  },
  (settings) =>
    COOKIES.flatMap(([samesite, secure]): RuleFinding[] => {
      const none = candidates(settings, samesite).find(
        (c) => c.value.kind === "str" && c.value.value.toLowerCase() === "none",
      );
      if (!none) return [];
      const insecure = candidates(settings, secure).find((c) => isTruthy(c) === false);
      if (!insecure) return [];
      return [
        finding(
          settings,
          samesite,
          "fail",
          `${none.label} with ${insecure.label}: browsers drop a SameSite=None cookie that is not Secure${judgedOn(insecure)}.`,
        ),
      ];
    }),
);
