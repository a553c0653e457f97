import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";

export const traefikRouterWithoutHost: StaticRule = {
  meta: {
    id: "traefik-router-without-host",
    clause: "host-header",
    severity: "high",
    title: "A Traefik router matches any Host",
    explanation:
      "A router whose rule has no Host(...) matcher sends requests for any name to the app; with ALLOWED_HOSTS too wide, forged Host headers reach password-reset links and caches.",
    fix: { traefik: "rule: Host(`app.example.com`)  # on every router that reaches the app" },
  },
  check(input: AuditInput): RuleFinding[] {
    return (input.traefik?.routers ?? [])
      .filter((router) => router.service && !router.hostRestricted)
      .map((router) => ({
        status: "fail",
        message: `router ${router.name} (${router.rule || "no rule"}) matches every Host${router.hosts.length > 0 ? ": its Host matchers do not cover every alternative of the rule" : ""}`,
        location: { file: router.file, line: router.line },
      }));
  },
};
