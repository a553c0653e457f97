import type { StaticRule } from "../../rule.js";
import type { NginxDirective } from "../../nginx/model.js";
import { walkDirectives } from "../../nginx/scope.js";
import { finding, HSTS_HEADER, hstsFromMoreSetHeaders } from "./shared.js";

const ONE_YEAR = 31_536_000;

function hstsValue(directive: NginxDirective): string | undefined {
  if (directive.name === "add_header" && directive.args[0]?.toLowerCase() === HSTS_HEADER)
    return directive.args[1] ?? "";
  return hstsFromMoreSetHeaders(directive);
}

function weaknesses(value: string): string[] {
  const maxAge = /max-age\s*=\s*"?(\d+)/i.exec(value);
  const problems: string[] = [];
  if (!maxAge) problems.push("it has no max-age");
  else if (Number(maxAge[1]) < ONE_YEAR) problems.push(`max-age=${maxAge[1]} is under a year (${ONE_YEAR})`);
  if (!/includesubdomains/i.test(value)) problems.push("it lacks includeSubDomains");
  return problems;
}

export const hstsWeak: StaticRule = {
  meta: {
    id: "nginx-hsts-weak",
    clause: "hsts",
    severity: "low",
    title: "HSTS is sent with a short max-age or without includeSubDomains",
    explanation:
      "A short max-age lets the browser forget HSTS between visits, and without includeSubDomains a sibling host on plain HTTP can still set cookies for the parent domain.",
    fix: { nginx: 'add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;' },
  },
  check(input) {
    if (!input.nginx) return [];
    const findings: ReturnType<StaticRule["check"]> = [];
    walkDirectives(input.nginx.root, (directive) => {
      const value = hstsValue(directive);
      if (value === undefined) return;
      const problems = weaknesses(value);
      if (problems.length > 0) {
        findings.push(
          finding("warn", `Strict-Transport-Security "${value}": ${problems.join("; ")}.`, directive),
        );
      }
    });
    return findings;
  },
};
