/**
 * ingress-nginx redirects HTTP to HTTPS for an Ingress with a tls section (ssl-redirect, default "true"),
 * and for any Ingress with force-ssl-redirect. Turned off without force, plain HTTP reaches the app.
 */
import { clause } from "../../../clauses.js";
import {
  annotation,
  controllerValue,
  isFalse,
  isTrue,
  nginxIngresses,
} from "../../kubernetes/ingress-nginx.js";
import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";

export const ingressNginxSslRedirectOff: StaticRule = {
  meta: {
    id: "ingress-nginx-ssl-redirect-off",
    clause: "https-redirect",
    severity: "high",
    title: "ingress-nginx serves a TLS Ingress over plain HTTP too",
    explanation:
      'ssl-redirect: "false" (annotation or controller ConfigMap) stops the controller redirecting HTTP to HTTPS for an Ingress that has TLS. Unless Django redirects itself (SECURE_SSL_REDIRECT with SECURE_PROXY_SSL_HEADER), users stay on HTTP.',
    fix: {
      "ingress-nginx":
        'Remove ssl-redirect: "false", or set nginx.ingress.kubernetes.io/force-ssl-redirect: "true" (needed when TLS ends at a load balancer in front).',
      django: clause("https-redirect").fix.django,
    },
  },
  check(input: AuditInput): RuleFinding[] {
    const controller = controllerValue(input.kubernetes, "ssl-redirect");
    const controllerForce = isTrue(controllerValue(input.kubernetes, "force-ssl-redirect"));
    return nginxIngresses(input.kubernetes)
      .filter((ingress) => ingress.tlsHosts.length > 0)
      .flatMap((ingress): RuleFinding[] => {
        const own = annotation(ingress, "ssl-redirect");
        const off = own ?? controller;
        const forced = own === undefined ? controllerForce : false;
        if (!off || !isFalse(off) || forced || isTrue(annotation(ingress, "force-ssl-redirect"))) return [];
        return [
          {
            status: "fail",
            message: `Ingress ${ingress.name} (${ingress.tlsHosts.join(", ")}) has TLS but ssl-redirect is "false"${own ? "" : " in the controller ConfigMap"}: plain HTTP reaches the app`,
            location: off.location,
          },
        ];
      });
  },
};
