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
