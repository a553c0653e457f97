/**
 * use-forwarded-headers: "true" makes the controller pass the incoming X-Forwarded-Proto, -Host and
 * -Port on instead of setting them, whoever sent them; proxy-real-ip-cidr narrows only the client address.
 */
import { clause } from "../../../clauses.js";
import { controllerValue, isTrue, realIpTrustsEveryone } from "../../kubernetes/ingress-nginx.js";
import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";

export const ingressNginxForwardedHeadersTrusted: StaticRule = {
  meta: {
    id: "ingress-nginx-forwarded-headers-trusted",
    clause: "spoofed-proto",
    severity: "high",
    title: "ingress-nginx keeps clients' X-Forwarded-* headers",
    explanation:
      'With use-forwarded-headers: "true" in the controller ConfigMap, ingress-nginx forwards the X-Forwarded-Proto and X-Forwarded-Host it received instead of its own. That is right only behind an L7 load balancer that overwrites them on every request; otherwise any client tells Django it came over HTTPS or from another host.',
    fix: {
      "ingress-nginx":
        'Leave use-forwarded-headers unset (the default "false") unless an L7 load balancer that overwrites X-Forwarded-* is the only way in; then set proxy-real-ip-cidr to that load balancer\'s ranges.',
      django: clause("spoofed-proto").fix.django,
    },
  },
  check(input: AuditInput): RuleFinding[] {
    const setting = controllerValue(input.kubernetes, "use-forwarded-headers");
    if (!setting || !isTrue(setting)) return [];
    const open = realIpTrustsEveryone(input.kubernetes);
    return [
      {
        status: open ? "fail" : "warn",
        message: open
          ? 'use-forwarded-headers is "true" and proxy-real-ip-cidr is unset or covers everyone: nothing says an L7 load balancer overwrites X-Forwarded-Proto before the controller, so clients choose the scheme and host Django sees'
          : 'use-forwarded-headers is "true": X-Forwarded-Proto and -Host are taken from whoever connects (proxy-real-ip-cidr narrows only the client address), so the controller must be reachable through the L7 load balancer alone',
        location: setting.location,
      },
    ];
  },
};
