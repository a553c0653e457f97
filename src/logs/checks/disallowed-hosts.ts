/** Requests whose Host is outside ALLOWED_HOSTS reached Django: the proxy passes unknown names on. */
import { examplesByPrefix, countsByPrefix, recordExchange, type Traffic } from "../traffic.js";
import type { LogCheck, LogJudgement } from "./check.js";

function judge(traffic: Traffic): LogJudgement[] {
  const refused = traffic.records.filter((r) => r.hostError?.startsWith("DisallowedHost"));
  if (!refused.length) {
    return [
      {
        status: "pass",
        summary: `all ${traffic.records.length} logged requests had a Host in ALLOWED_HOSTS`,
        evidence: traffic.records.slice(0, 1).map((r) => recordExchange(r, "a host Django accepted")),
        line: traffic.records[0]?.line,
      },
    ];
  }
  const hosts = [...new Set(refused.map((r) => r.headers.HTTP_HOST ?? "(none)"))];
  return [
    {
      status: "warn",
      summary:
        `${refused.length} of ${traffic.records.length} requests reached Django with a Host outside ALLOWED_HOSTS ` +
        `(${hosts.slice(0, 5).join(", ")}${hosts.length > 5 ? ", …" : ""}); Django refused them, but the proxy ` +
        `should have: by path, ${countsByPrefix(refused)}`,
      evidence: examplesByPrefix(refused).map((r) => recordExchange(r, "Host outside ALLOWED_HOSTS")),
      line: refused[0]!.line,
    },
  ];
}

export const disallowedHostsCheck: LogCheck = {
  id: "log-disallowed-host",
  clause: "host-header",
  severity: "medium",
  title: "Unknown hosts stop at the proxy",
  judge,
};
