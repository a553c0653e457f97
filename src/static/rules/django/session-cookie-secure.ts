import { booleanRule } from "./shared.js";

export const sessionCookieSecure = booleanRule(
  {
    id: "django-session-cookie-secure",
    clause: "cookie-flags",
    severity: "high",
    title: "Session cookie is not Secure",
    explanation:
      "Without SESSION_COOKIE_SECURE the session cookie is also sent over plain HTTP, where anyone on the path can read it and take over the session.",
    fix: { django: "SESSION_COOKIE_SECURE = True" },
    djangoCheck: "security.W012",
  },
  "SESSION_COOKIE_SECURE",
  true,
  "fail",
  "the session cookie is sent over plain HTTP too",
);
