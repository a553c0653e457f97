import { finding, settingsRule } from "./shared.js";
import { candidates } from "../../python/settings-queries.js";

/** Settings Django reads as booleans: a non-empty string is always truthy there. */
const BOOLEAN_SETTINGS = [
  "DEBUG",
  "SESSION_COOKIE_SECURE",
  "SESSION_COOKIE_HTTPONLY",
  "CSRF_COOKIE_SECURE",
  "CSRF_COOKIE_HTTPONLY",
  "CSRF_USE_SESSIONS",
  "SECURE_SSL_REDIRECT",
  "SECURE_HSTS_INCLUDE_SUBDOMAINS",
  "SECURE_HSTS_PRELOAD",
  "SECURE_CONTENT_TYPE_NOSNIFF",
  "USE_X_FORWARDED_HOST",
  "USE_X_FORWARDED_PORT",
];

export const envBoolUncast = settingsRule(
  {
    id: "django-env-bool-uncast",
    clause: "hygiene",
    severity: "medium",
    title: "Boolean setting read from the environment without a cast",
    explanation:
      "os.environ.get('DEBUG', False) returns the variable's text when it is set, and every non-empty string is truthy: DEBUG=False or DEBUG=0 in the environment turns DEBUG on, and SESSION_COOKIE_SECURE=False still means True.",
    fix: {
      django:
        "DEBUG = os.environ.get('DEBUG', 'False').lower() in ('1', 'true', 'yes')  # or env.bool('DEBUG', default=False)",
    },
  },
  (settings) =>
    BOOLEAN_SETTINGS.flatMap((name) =>
      candidates(settings, name).flatMap((c) =>
        c.env && (c.env.cast === "none" || c.env.cast === "str")
          ? [
              finding(
                settings,
                name,
                "warn",
                `${c.label}: $${c.env.env} is used as a string, so any non-empty value, 'False' and '0' included, counts as True.`,
              ),
            ]
          : [],
      ),
    ),
);
