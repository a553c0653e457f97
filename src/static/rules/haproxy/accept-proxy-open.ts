/** A bind line that reads the PROXY protocol from peers nothing restricts. */
import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";
import type { HaproxyConfig, HaproxySection } from "../../haproxy/model.js";
import {
  bindsOf,
  conditionTests,
  isLoopbackOrSocket,
  isProxySection,
  isSocket,
  sendsProxyProtocol,
  type Bind,
} from "../../haproxy/queries.js";

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

/** A server line of this config that sends the PROXY protocol to the bind: HAProxy chaining to itself. */
function fedByItself(config: HaproxyConfig, bind: Bind): boolean {
  const address = bind.address.replace(/^ipv[46]@/, "");
  return config.sections.some((section) =>
    section.directives.some(
      (d) => d.keyword === "server" && d.args[1] === address && d.args.some(sendsProxyProtocol),
    ),
  );
}

export const haproxyAcceptProxyOpen: StaticRule = {
  meta: {
    id: "haproxy-accept-proxy-open",
    clause: "client-ip",
    severity: "high",
    title: "accept-proxy bind takes PROXY headers from anyone",
    explanation:
      "With accept-proxy, the first bytes of a connection tell HAProxy the client's address. If anyone can connect, anyone can claim any address: X-Forwarded-For, logs and src ACLs all believe it. On a loopback address that only HAProxy itself feeds (server ... send-proxy) that is fine; otherwise any process on the host can (a warning).",
    fix: {
      haproxy: "tcp-request connection reject unless { src 10.0.0.0/8 }  # the load balancer's addresses",
    },
  },
  check(input: AuditInput): RuleFinding[] {
    const config = input.haproxy;
    if (!config) return [];
    return config.sections.filter(isProxySection).flatMap((section) =>
      bindsOf(section)
        // A unix socket is reachable only through file permissions; loopback by anything on the host.
        .filter((b) => b.acceptProxy && !isSocket(b.address) && !restrictsSources(section))
        .filter((b) => !fedByItself(config, b))
        .map((b): RuleFinding => {
          const where = `bind ${b.address} accept-proxy in ${section.kind} ${section.name ?? ""}`;
          const location = { file: b.directive.file, line: b.directive.line };
          return isLoopbackOrSocket(b.address)
            ? {
                status: "warn",
                message: `${where} accepts the PROXY protocol from any process on this host (a loopback address, and no server line here feeds it): any of them can claim any client address`,
                location,
              }
            : {
                status: "fail",
                message: `${where} accepts the PROXY protocol from any peer`,
                location,
              };
        }),
    );
  },
};
