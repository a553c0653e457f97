import type { StaticRule } from "../../rule.js";
import { finding } from "./shared.js";
import { clientValuedAssignments } from "../../nginx/routes.js";

export const xfhFromClient: StaticRule = {
  meta: {
    id: "nginx-xfh-from-client",
    clause: "forwarded-host",
    severity: "medium",
    title: "X-Forwarded-Host is set from a client value",
    explanation:
      "With USE_X_FORWARDED_HOST = True Django takes its host from X-Forwarded-Host. Setting it from $http_x_forwarded_host hands that choice to the client; $http_host passes the raw Host header (port included), which need not be the host nginx matched the server block by.",
    fix: {
      nginx: "proxy_set_header X-Forwarded-Host $host;",
      django: "USE_X_FORWARDED_HOST = False  # unless nginx overwrites X-Forwarded-Host with $host",
    },
  },
  check(input) {
    if (!input.nginx) return [];
    return clientValuedAssignments(input.nginx, "X-Forwarded-Host").map(({ directive, value, sources }) => {
      // Only the raw Host header: the same client-chosen host Django would read anyway, so a warning.
      const rawHostOnly = sources.every((source) => source === "$http_host");
      return finding(
        rawHostOnly ? "warn" : "fail",
        `X-Forwarded-Host is set to "${value}", built from ${sources.join(", ")}` +
          (rawHostOnly
            ? ": the raw Host header, not the host nginx matched; use $host."
            : ": the client decides what Django believes its own host is."),
        directive,
      );
    });
  },
};
