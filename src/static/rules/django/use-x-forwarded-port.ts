import { booleanRule } from "./shared.js";

export const forwardedPort = booleanRule(
  {
    id: "django-use-x-forwarded-port",
    clause: "forwarded-host",
    severity: "low",
    title: "Django trusts X-Forwarded-Port",
    explanation:
      "With USE_X_FORWARDED_PORT = True, request.get_port() returns X-Forwarded-Port. A client-sent value ends up in absolute URLs unless the proxy overwrites it.",
    fix: {
      django: "USE_X_FORWARDED_PORT = False  # unless the proxy overwrites X-Forwarded-Port",
      nginx: "proxy_set_header X-Forwarded-Port $server_port;",
    },
  },
  "USE_X_FORWARDED_PORT",
  false,
  "warn",
  "the port in absolute URLs comes from X-Forwarded-Port, which the proxy must overwrite on every request",
);
