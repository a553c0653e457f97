import type { StaticRule } from "../../rule.js";
import { finding } from "./shared.js";
import { clientValuedAssignments } from "../../nginx/routes.js";

export const hostFromClient: StaticRule = {
  meta: {
    id: "nginx-host-from-client",
    clause: "host-header",
    severity: "medium",
    title: "Host sent to the app is taken from a client value",
    explanation:
      "proxy_set_header Host $http_host passes the raw Host header, which can differ from the host nginx chose the server block by (a request line with an absolute URL wins for server selection), so server_name no longer filters what Django sees; $arg_* and $cookie_* let anyone choose the Host outright. Django builds absolute URLs and password-reset links from this Host.",
    fix: {
      nginx: "proxy_set_header Host $host;",
      django: "ALLOWED_HOSTS = ['app.example.com']  # never '*'",
    },
  },
  check(input) {
    if (!input.nginx) return [];
    return clientValuedAssignments(input.nginx, "Host").map(({ directive, value, sources }) =>
      finding(
        "fail",
        `${directive.name} ${directive.args[0]} "${value}" gives the app a Host built from ${sources.join(", ")}; use $host, which is the host nginx matched the request against.`,
        directive,
      ),
    );
  },
};
