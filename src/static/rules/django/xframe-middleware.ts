import { missingMiddleware, settingsRule } from "./shared.js";

export const xframeMiddleware = settingsRule(
  {
    id: "django-xframe-middleware",
    clause: "hygiene",
    severity: "low",
    title: "XFrameOptionsMiddleware is not installed",
    explanation:
      "Without django.middleware.clickjacking.XFrameOptionsMiddleware pages carry no X-Frame-Options header and can be framed by any site (clickjacking), unless a CSP frame-ancestors or the proxy sets it.",
    fix: {
      django: "MIDDLEWARE = [..., 'django.middleware.clickjacking.XFrameOptionsMiddleware']",
      nginx: 'add_header X-Frame-Options "DENY" always;',
    },
    djangoCheck: "security.W002",
  },
  (settings) =>
    missingMiddleware(
      settings,
      "django.middleware.clickjacking.XFrameOptionsMiddleware",
      "warn",
      "responses carry no X-Frame-Options header",
    ),
);
