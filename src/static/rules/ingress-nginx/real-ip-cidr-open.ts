/** The controller takes the client address from X-Forwarded-For (or PROXY headers) sent by any peer in proxy-real-ip-cidr. */
import { clause } from "../../../clauses.js";
import { controllerValue, isTrue, realIpTrustsEveryone } from "../../kubernetes/ingress-nginx.js";
import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";

const REAL_IP_SWITCHES = ["use-forwarded-headers", "enable-real-ip", "use-proxy-protocol"];

export const ingressNginxRealIpCidrOpen: StaticRule = {
  meta: {
    id: "ingress-nginx-real-ip-cidr-open",
    clause: "client-ip",
    severity: "medium",
    title: "ingress-nginx believes any peer's client address",
    explanation:
      "When use-forwarded-headers, enable-real-ip or use-proxy-protocol is on, the controller replaces the peer address with the one the peer claims, but only for peers in proxy-real-ip-cidr, which defaults to 0.0.0.0/0. A client then picks the address in X-Forwarded-For, X-Real-IP and the access log.",
    fix: {
      "ingress-nginx":
        'proxy-real-ip-cidr: "<your load balancer\'s ranges>"  # e.g. the VPC subnets of the cloud load balancer',
      nginx: clause("client-ip").fix.nginx,
    },
  },
  check(input: AuditInput): RuleFinding[] {
    const switchedOn = REAL_IP_SWITCHES.map((key) => ({
      key,
      value: controllerValue(input.kubernetes, key),
    })).filter((s) => isTrue(s.value));
    const first = switchedOn[0];
    if (!first?.value || !realIpTrustsEveryone(input.kubernetes)) return [];
    const cidr = controllerValue(input.kubernetes, "proxy-real-ip-cidr");
    return [
      {
        status: "fail",
        message: `${switchedOn.map((s) => s.key).join(", ")} on with proxy-real-ip-cidr ${cidr ? `"${cidr.value}"` : "unset (0.0.0.0/0)"}: any client chooses the address the app sees`,
        location: first.value.location,
      },
    ];
  },
};
