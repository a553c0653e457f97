import type { StaticRule } from "../../rule.js";
import { inheritedValue } from "../../nginx/scope.js";
import { serverBlocks } from "../../nginx/servers.js";
import { finding, trustedProxiesInScope } from "./shared.js";
import { describeServer } from "../../nginx/app-routes.js";

export const proxyProtocolUntrusted: StaticRule = {
  meta: {
    id: "nginx-proxy-protocol-untrusted",
    clause: "client-ip",
    severity: "high",
    title: "PROXY protocol is accepted without naming the load balancer that may send it",
    explanation:
      "With listen ... proxy_protocol, nginx reads the client address from a PROXY header that whoever opens the connection writes. Only set_real_ip_from (with real_ip_header proxy_protocol) says which peers may do that; without it, $remote_addr stays the load balancer's address, and configs then fall back to $proxy_protocol_addr, which anyone who reaches the port directly can forge.",
    fix: {
      nginx:
        "set_real_ip_from 10.0.0.0/24;  # the load balancer's addresses\nreal_ip_header proxy_protocol;\nproxy_set_header X-Real-IP $remote_addr;",
    },
  },
  check(input) {
    if (!input.nginx) return [];
    return serverBlocks(input.nginx).flatMap((server) => {
      const listen = server.listens.find((l) => l.proxyProtocol);
      if (!listen) return [];
      const header = inheritedValue(server.scope, "real_ip_header")?.args[0];
      const trusted = trustedProxiesInScope(server.scope);
      if (header === "proxy_protocol" && trusted.length > 0) return [];
      const missing = [
        ...(trusted.length === 0 ? ["set_real_ip_from <load balancer>"] : []),
        ...(header === "proxy_protocol" ? [] : ["real_ip_header proxy_protocol"]),
      ];
      return [
        finding(
          "fail",
          `The ${describeServer(server)} accepts PROXY protocol but lacks ${missing.join(" and ")}: the client address it passes on is either the load balancer's or one any direct peer can claim.`,
          listen.directive ?? server.directive,
        ),
      ];
    });
  },
};
