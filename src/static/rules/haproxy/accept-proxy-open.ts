/** A bind line that reads the PROXY protocol from peers nothing restricts. */
import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";
import type { HaproxySection } from "../../haproxy/model.js";
import { bindsOf, conditionTests, isLoopbackOrSocket, isProxySection } from "../../haproxy/queries.js";

/** `tcp-request connection reject|silent-drop ... { src ... }`: only listed peers may speak the PROXY protocol. */
function restrictsSources(section: HaproxySection): boolean {
  return section.directives.some(
    (d) =>
      d.keyword === "tcp-request" &&
      d.args[0] === "connection" &&
      ["reject", "silent-drop"].includes(d.args[1] ?? "") &&
      conditionTests(section, d.condition, (criterion) => criterion[0] === "src"),
  );
}

export const haproxyAcceptProxyOpen: StaticRule = {
  meta: {
    id: "haproxy-accept-proxy-open",
    clause: "client-ip",
    severity: "high",
    title: "accept-proxy bind takes PROXY headers from anyone",
    explanation:
      "With accept-proxy, the first bytes of a connection tell HAProxy the client's address. If anyone can connect, anyone can claim any address: X-Forwarded-For, logs and src ACLs all believe it.",
    fix: {
      haproxy: "tcp-request connection reject unless { src 10.0.0.0/8 }  # the load balancer's addresses",
    },
  },
  check(input: AuditInput): RuleFinding[] {
    const config = input.haproxy;
    if (!config) return [];
    return config.sections.filter(isProxySection).flatMap((section) =>
      bindsOf(section)
        .filter((b) => b.acceptProxy && !isLoopbackOrSocket(b.address) && !restrictsSources(section))
        .map((b) => ({
          status: "fail" as const,
          message: `bind ${b.address} accept-proxy in ${section.kind} ${section.name ?? ""} accepts the PROXY protocol from any peer`,
          location: { file: b.directive.file, line: b.directive.line },
        })),
    );
  },
};
