/** A Host header rewritten to the backend's address, in any proxy section. */
import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";
import type { HaproxySection } from "../../haproxy/model.js";
import { isProxySection } from "../../haproxy/queries.js";
import { classifyHost, hostOfAddress } from "../../gunicorn/addresses.js";

function serverHosts(section: HaproxySection): string[] {
  return section.directives.filter((d) => d.keyword === "server").map((d) => hostOfAddress(d.args[1] ?? ""));
}

export const haproxyHostSetToBackend: StaticRule = {
  meta: {
    id: "haproxy-host-set-to-backend",
    clause: "csrf-origin",
    severity: "high",
    title: "Host is rewritten to the backend's address",
    explanation:
      "Django compares the Origin of a POST with the Host it receives. Rewriting Host to the backend's address makes every real POST fail the CSRF check, forces ALLOWED_HOSTS to list an internal name, and puts that name in absolute URLs.",
    fix: {
      haproxy: "Remove `http-request set-header Host ...`: HAProxy passes the client's Host unchanged.",
    },
  },
  check(input: AuditInput): RuleFinding[] {
    const config = input.haproxy;
    if (!config) return [];
    const servers = config.sections.flatMap(serverHosts);
    return config.sections.filter(isProxySection).flatMap((section) =>
      section.directives
        .filter(
          (d) =>
            d.keyword === "http-request" && d.args[0] === "set-header" && d.args[1]?.toLowerCase() === "host",
        )
        .filter((d) => {
          const value = d.args[2] ?? "";
          if (value.includes("%[")) return false;
          const host = hostOfAddress(value);
          return (
            servers.includes(host) ||
            ["loopback", "private", "unix"].includes(classifyHost(host)) ||
            /:\d+$/.test(value)
          );
        })
        .map((d) => ({
          status: "fail" as const,
          message: `http-request set-header Host ${d.args[2] ?? ""} sends the backend's address instead of the site's host`,
          location: { file: d.file, line: d.line },
        })),
    );
  },
};
