import { booleanRule } from "./shared.js";

export const csrfCookieSecure = booleanRule(
  {
    id: "django-csrf-cookie-secure",
    clause: "cookie-flags",
    severity: "medium",
    title: "CSRF cookie is not Secure",
    explanation:
      "Without CSRF_COOKIE_SECURE the CSRF cookie travels over plain HTTP, where it can be read or planted by a network attacker.",
    fix: { django: "CSRF_COOKIE_SECURE = True" },
    djangoCheck: "security.W016",
  },
  "CSRF_COOKIE_SECURE",
  true,
  "warn",
  "the CSRF cookie is sent over plain HTTP too",
);
