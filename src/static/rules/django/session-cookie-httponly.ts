import { booleanRule } from "./shared.js";

export const sessionCookieHttpOnly = booleanRule(
  {
    id: "django-session-cookie-httponly",
    clause: "cookie-flags",
    severity: "medium",
    title: "Session cookie is readable by JavaScript",
    explanation:
      "With SESSION_COOKIE_HTTPONLY = False any injected script can read the session cookie and send it away.",
    fix: { django: "SESSION_COOKIE_HTTPONLY = True  # the default" },
    djangoCheck: "security.W013",
  },
  "SESSION_COOKIE_HTTPONLY",
  true,
  "warn",
  "scripts on the page can read the session cookie",
);
