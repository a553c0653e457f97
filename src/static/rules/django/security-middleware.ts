import { missingMiddleware, settingsRule } from "./shared.js";
import { SECURITY_MIDDLEWARE } from "../../python/settings-queries.js";

export const securityMiddleware = settingsRule(
  {
    id: "django-security-middleware",
    clause: "hsts",
    severity: "medium",
    title: "SecurityMiddleware is not installed",
    explanation:
      "django.middleware.security.SecurityMiddleware sends Strict-Transport-Security, performs SECURE_SSL_REDIRECT and sets the nosniff and Referrer-Policy headers. Without it the SECURE_* settings do nothing.",
    fix: {
      django: "MIDDLEWARE = ['django.middleware.security.SecurityMiddleware', ...]  # first in the list",
    },
    djangoCheck: "security.W001",
  },
  (settings) =>
    missingMiddleware(
      settings,
      SECURITY_MIDDLEWARE,
      "fail",
      "SECURE_HSTS_SECONDS and SECURE_SSL_REDIRECT have no effect",
    ),
);
