import type { SourceLocation } from "../../report/model.js";
import type { AuditInput, RuleFinding, StaticRule } from "../rule.js";
import { printable } from "../../report/quote.js";

interface LoadProblem extends SourceLocation {
  message: string;
  kind?: string;
}

/** The reading problems of each config the audit loaded (one list per loaded config), from whichever parser met them. */
export function problemsPerConfig(input: AuditInput): LoadProblem[][] {
  return [
    input.settings?.diagnostics.filter((d) => d.severity === "error"),
    input.nginx?.errors,
    input.caddy?.errors,
    input.haproxy?.errors,
    input.traefik?.errors,
    input.gunicorn?.errors,
    input.apache?.errors,
    ...(input.compose ?? []).map((project) => project.errors),
    input.kubernetes?.errors,
    input.appServerErrors,
  ].filter((list): list is LoadProblem[] => list !== undefined);
}

function problems(input: AuditInput): LoadProblem[] {
  return problemsPerConfig(input).flat();
}

/** A part of a file that could not be read means the audit judged less than the whole. */
export const configErrors: StaticRule = {
  meta: {
    id: "config-error",
    clause: "hygiene",
    severity: "info",
    title: "Part of a configuration file could not be read",
    explanation:
      "A syntax error, an unreadable include or a value the audit cannot evaluate means it judged less than the whole configuration; the findings say nothing about the part it could not read.",
    fix: {
      nginx:
        "Run nginx -t on the deployed configuration, or audit the output of nginx -T, which holds every included file.",
      caddy: "Run caddy validate (or caddy adapt) on the Caddyfile.",
      haproxy: "Run haproxy -c -f haproxy.cfg.",
      apache: "Run apache2ctl -t (or apachectl configtest) on the deployed configuration.",
      django: "Run python manage.py check; make sure the settings module is the one deployed.",
    },
  },
  check(input): RuleFinding[] {
    return problems(input).map((p) => ({
      status: "error",
      // Escaped here, whatever each parser did: raw bytes from a file never reach the terminal.
      message: printable(p.kind ? `${p.kind} error: ${p.message}` : p.message),
      location: { file: p.file, line: p.line },
    }));
  },
};
