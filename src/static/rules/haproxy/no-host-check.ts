import { hostFilter } from "../../haproxy/queries.js";
import { entryLabel, entryPointRule } from "./entry-point-rule.js";

export const haproxyNoHostCheck = entryPointRule(
  {
    id: "haproxy-no-host-check",
    clause: "host-header",
    severity: "medium",
    title: "Frontend sends any Host to the app",
    explanation:
      "Nothing in the frontend looks at the Host header: a request for any host name reaches Django, where ALLOWED_HOSTS is the only defence against host header poisoning.",
    fix: {
      haproxy: "http-request deny deny_status 421 unless { req.hdr(host),field(1,:) -i app.example.com }",
    },
  },
  (config, entry) => {
    const { routesByHost, catchAll } = hostFilter(config, entry);
    if (!catchAll) return undefined;
    return {
      status: "warn",
      message: routesByHost
        ? `${entryLabel(entry)} routes by Host but sends unknown hosts to its default_backend`
        : `${entryLabel(entry)} has no rule that rejects unknown Host headers`,
    };
  },
);
