import type { StaticRule } from "../../rule.js";
import { forEachNamed } from "../../nginx/scope.js";
import { finding } from "./shared.js";

export const underscoresInHeaders: StaticRule = {
  meta: {
    id: "nginx-underscores-in-headers",
    clause: "spoofed-proto",
    severity: "high",
    title: "Client headers spelled with underscores are passed to the app",
    explanation:
      "WSGI turns both X-Forwarded-Proto and X_Forwarded_Proto into HTTP_X_FORWARDED_PROTO. nginx normally drops header names with underscores; with underscores_in_headers on (or ignore_invalid_headers off) a client's X_Forwarded_Proto: https travels next to the one nginx sets, and the app server may join the two or pick the client's.",
    fix: {
      nginx: "underscores_in_headers off;  # the default; and keep ignore_invalid_headers on",
      gunicorn:
        "Keep gunicorn's default header_map = 'drop' (gunicorn 22+), which drops header names with underscores.",
    },
  },
  check(input) {
    if (!input.nginx) return [];
    const findings: ReturnType<StaticRule["check"]> = [];
    forEachNamed(input.nginx.root, ["underscores_in_headers", "ignore_invalid_headers"], (directive) => {
      const value = directive.args[0]?.toLowerCase();
      const risky =
        (directive.name === "underscores_in_headers" && value === "on") ||
        (directive.name === "ignore_invalid_headers" && value === "off");
      if (risky) {
        findings.push(
          finding(
            "fail",
            `${directive.name} ${value}: a client can send X_Forwarded_Proto (or X_Forwarded_For) with underscores, which the app reads as the header nginx sets.`,
            directive,
          ),
        );
      }
    });
    return findings;
  },
};
