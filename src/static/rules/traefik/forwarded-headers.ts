/**
 * Traefik keeps a peer's X-Forwarded-* (Proto, Host, For, Port) only when the entry point trusts it:
 * forwardedHeaders.insecure trusts everyone, trustedIPs the listed ranges. Otherwise it replaces them.
 */
import { clause } from "../../../clauses.js";
import { trustBreadth } from "../../gunicorn/addresses.js";
import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";

export const traefikForwardedHeadersTrusted: StaticRule = {
  meta: {
    id: "traefik-forwarded-headers-trusted",
    clause: "spoofed-proto",
    severity: "high",
    title: "Traefik keeps clients' X-Forwarded-* headers",
    explanation:
      "With forwardedHeaders.insecure, or trustedIPs that cover the clients, Traefik passes the client's X-Forwarded-Proto and X-Forwarded-Host to the app: SECURE_PROXY_SSL_HEADER and USE_X_FORWARDED_HOST then believe whatever the client sent.",
    fix: { traefik: clause("spoofed-proto").fix.traefik },
  },
  check(input: AuditInput): RuleFinding[] {
    return (input.traefik?.entryPoints ?? []).flatMap((ep): RuleFinding[] => {
      const location = { file: ep.file, line: ep.line };
      if (ep.forwardedInsecure)
        return [
          {
            status: "fail",
            message: `entry point ${ep.name} sets forwardedHeaders.insecure: every client's X-Forwarded-Proto and X-Forwarded-Host reach the app`,
            location,
          },
        ];
      const everyone = ep.trustedIPs.filter((range) => trustBreadth(range) === "everyone");
      return everyone.length
        ? [
            {
              status: "fail",
              message: `entry point ${ep.name} trusts X-Forwarded-* from ${everyone.join(", ")}, which covers any client`,
              location,
            },
          ]
        : [];
    });
  },
};
