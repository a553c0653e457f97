import { booleanRule } from "./shared.js";

export const sslRedirect = booleanRule(
  {
    id: "django-ssl-redirect",
    clause: "https-redirect",
    severity: "medium",
    title: "Django does not redirect HTTP to HTTPS",
    explanation:
      "With SECURE_SSL_REDIRECT = False Django serves plain-HTTP requests as they come. That is fine only when the proxy redirects every plain-HTTP request itself, which the proxy rules check.",
    fix: {
      django:
        "SECURE_SSL_REDIRECT = True  # together with SECURE_PROXY_SSL_HEADER, or it loops behind a proxy",
      nginx: "server { listen 80; return 301 https://$host$request_uri; }",
    },
    djangoCheck: "security.W008",
  },
  "SECURE_SSL_REDIRECT",
  true,
  "warn",
  "Django answers plain HTTP without redirecting; the proxy must redirect instead",
);
