/**
 * Traefik reads a PROXY protocol header only from the peers an entry point's proxyProtocol trusts:
 * insecure trusts everyone, trustedIPs the listed ranges. The address in it becomes the client's.
 */
import { trustBreadth } from "../../gunicorn/addresses.js";
import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";

export const traefikProxyProtocolTrusted: StaticRule = {
  meta: {
    id: "traefik-proxy-protocol-trusted",
    clause: "client-ip",
    severity: "high",
    title: "Traefik takes PROXY protocol headers from anyone",
    explanation:
      "With proxyProtocol.insecure, or trustedIPs that cover the clients, whoever opens the connection writes the PROXY header that tells Traefik the client's address: X-Forwarded-For, X-Real-IP, access logs and ipAllowList then believe any address a client claims.",
    fix: {
      traefik:
        "entryPoints.websecure.proxyProtocol.trustedIPs: [10.0.0.0/16]  # the load balancer's addresses",
    },
  },
  check(input: AuditInput): RuleFinding[] {
    return (input.traefik?.entryPoints ?? []).flatMap((ep): RuleFinding[] => {
      const location = { file: ep.file, line: ep.line };
      if (ep.proxyProtocolInsecure)
        return [
          {
            status: "fail",
            message: `entry point ${ep.name} sets proxyProtocol.insecure: any client can send a PROXY header and claim any address`,
            location,
          },
        ];
      const everyone = ep.proxyProtocolTrustedIPs.filter((range) => trustBreadth(range) === "everyone");
      return everyone.length
        ? [
            {
              status: "fail",
              message: `entry point ${ep.name} trusts PROXY headers from ${everyone.join(", ")}, which covers any client`,
              location,
            },
          ]
        : [];
    });
  },
};
