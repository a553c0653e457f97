import { conditionTests } from "../../haproxy/queries.js";
import { entryLabel, entryPointRule } from "./entry-point-rule.js";

/** Criteria that look at the Host header (or the authority in HTTP/2). */
function testsHost(criterion: string[]): boolean {
  return criterion.some((word) => /^(req\.)?hdr(_[a-z]+)?\((host|:authority)\b/i.test(word));
}

const REJECTING_ACTIONS = ["deny", "reject", "tarpit", "silent-drop", "return", "redirect"];

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
  (_config, entry) => {
    const rejects = entry.directives.some(
      (d) =>
        d.keyword === "http-request" &&
        REJECTING_ACTIONS.includes(d.args[0] ?? "") &&
        conditionTests(entry, d.condition, testsHost),
    );
    const routesByHost = entry.directives.some(
      (d) => d.keyword === "use_backend" && conditionTests(entry, d.condition, testsHost),
    );
    const hasFallback =
      entry.directives.some((d) => d.keyword === "default_backend") || entry.kind === "listen";
    if (rejects || (routesByHost && !hasFallback)) return undefined;
    return {
      status: "warn",
      message: routesByHost
        ? `${entryLabel(entry)} routes by Host but sends unknown hosts to its default_backend`
        : `${entryLabel(entry)} has no rule that rejects unknown Host headers`,
    };
  },
);
