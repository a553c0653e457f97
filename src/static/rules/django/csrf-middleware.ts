import { missingMiddleware, settingsRule } from "./shared.js";

export const csrfMiddleware = settingsRule(
  {
    id: "django-csrf-middleware",
    clause: "csrf-origin",
    severity: "high",
    title: "CsrfViewMiddleware is not installed",
    explanation:
      "Without django.middleware.csrf.CsrfViewMiddleware no view is protected against cross-site request forgery unless it is decorated with csrf_protect one by one.",
    fix: { django: "MIDDLEWARE = [..., 'django.middleware.csrf.CsrfViewMiddleware', ...]" },
    djangoCheck: "security.W003",
  },
  (settings) =>
    missingMiddleware(
      settings,
      "django.middleware.csrf.CsrfViewMiddleware",
      "fail",
      "forms and POST endpoints accept requests from any site",
    ),
);
