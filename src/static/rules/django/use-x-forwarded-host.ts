import { booleanRule } from "./shared.js";

export const forwardedHost = booleanRule(
  {
    id: "django-use-x-forwarded-host",
    clause: "forwarded-host",
    severity: "medium",
    title: "Django trusts X-Forwarded-Host",
    explanation:
      "With USE_X_FORWARDED_HOST = True, request.get_host() returns X-Forwarded-Host instead of Host. That is safe only if the proxy overwrites X-Forwarded-Host on every request; the proxy rules check that side.",
    fix: {
      django: "USE_X_FORWARDED_HOST = False  # unless the proxy overwrites X-Forwarded-Host",
      nginx: "proxy_set_header X-Forwarded-Host $host;",
    },
  },
  "USE_X_FORWARDED_HOST",
  false,
  "warn",
  "the host Django builds links from comes from X-Forwarded-Host, which the proxy must overwrite on every request",
);
