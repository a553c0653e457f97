import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";

export const traefikHostNotPassed: StaticRule = {
  meta: {
    id: "traefik-host-not-passed",
    clause: "csrf-origin",
    severity: "high",
    title: "Traefik sends the upstream's address as Host",
    explanation:
      "With passHostHeader: false the app sees the server's URL host, not the site's: Django's CSRF Origin check refuses every real form post and absolute URLs point at the backend.",
    fix: { traefik: "loadBalancer.passHostHeader: true  # the default" },
  },
  check(input: AuditInput): RuleFinding[] {
    return (input.traefik?.services ?? [])
      .filter((service) => !service.passHostHeader)
      .map((service) => ({
        status: "fail",
        message: `service ${service.name} sets passHostHeader: false: the app receives Host ${service.urls[0] ?? "of the server"}, not the site's name`,
        location: { file: service.file, line: service.line },
      }));
  },
};
