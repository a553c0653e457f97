import { finding, settingsRule } from "./shared.js";
import { hstsSeconds } from "../../python/settings-queries.js";

export const hstsMissing = settingsRule(
  {
    id: "django-hsts-missing",
    clause: "hsts",
    severity: "medium",
    title: "HSTS is not enabled",
    explanation:
      "SECURE_HSTS_SECONDS = 0 means Django never sends Strict-Transport-Security, so every first visit can be downgraded to plain HTTP, unless the proxy adds the header.",
    fix: {
      django: "SECURE_HSTS_SECONDS = 31536000",
      nginx: 'add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;',
    },
    djangoCheck: "security.W004",
  },
  (settings) =>
    hstsSeconds(settings)
      .filter((h) => h.seconds <= 0)
      .map((h) =>
        finding(
          settings,
          "SECURE_HSTS_SECONDS",
          "warn",
          h.sentAs === undefined
            ? `${h.label}: Django sends no Strict-Transport-Security header${h.suffix}.`
            : `${h.label}: the string is truthy, so Django sends Strict-Transport-Security: max-age=${h.sentAs}, which tells browsers to forget HSTS for the site${h.suffix}.`,
        ),
      ),
);
