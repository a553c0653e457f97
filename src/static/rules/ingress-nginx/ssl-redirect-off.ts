/**
 * ingress-nginx redirects plain HTTP to HTTPS when force-ssl-redirect is on, or when ssl-redirect (default
 * "true") is on and the host has a certificate (lua_ingress.lua redirect_to_https). Both off, plain HTTP
 * reaches the app.
 */
import { clause } from "../../../clauses.js";
import {
  describeBool,
  hostsWithCertificate,
  ingressHosts,
  nginxIngresses,
  resolveBool,
} from "../../kubernetes/ingress-nginx.js";
import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";

export const ingressNginxSslRedirectOff: StaticRule = {
  meta: {
    id: "ingress-nginx-ssl-redirect-off",
    clause: "https-redirect",
    severity: "high",
    title: "ingress-nginx serves a TLS Ingress over plain HTTP too",
    explanation:
      'ssl-redirect: "false" (annotation or controller ConfigMap) stops the controller redirecting HTTP to HTTPS for a host with TLS (any Ingress routing it has a tls entry, with or without hosts), unless force-ssl-redirect is "true" for it; each annotation overrides only the ConfigMap key of its own name. Unless Django redirects itself (SECURE_SSL_REDIRECT with SECURE_PROXY_SSL_HEADER), users stay on HTTP.',
    fix: {
      "ingress-nginx":
        'Remove ssl-redirect: "false", or set nginx.ingress.kubernetes.io/force-ssl-redirect: "true" (needed when TLS ends at a load balancer in front).',
      django: clause("https-redirect").fix.django,
    },
  },
  check(input: AuditInput): RuleFinding[] {
    const ingresses = nginxIngresses(input.kubernetes);
    const withCertificate = hostsWithCertificate(ingresses);
    return ingresses.flatMap((ingress): RuleFinding[] => {
      const hosts = ingressHosts(ingress).filter((host) => withCertificate.has(host));
      if (hosts.length === 0) return [];
      const redirect = resolveBool(input.kubernetes, ingress, "ssl-redirect", true);
      const force = resolveBool(input.kubernetes, ingress, "force-ssl-redirect", false);
      if (redirect.value || force.value || !redirect.from) return [];
      const where = redirect.from.source === "ConfigMap" ? " in the controller ConfigMap" : "";
      // An Ingress's force-ssl-redirect: "false" also turns off a force the ConfigMap sets.
      const unforced =
        force.from?.source === "annotation" ? ', and its force-ssl-redirect annotation is "false"' : "";
      return [
        {
          status: "fail",
          message: `Ingress ${ingress.name} (${hosts.map((host) => host || "any host").join(", ")}) has TLS but ssl-redirect is ${describeBool(redirect.from)}${where}${unforced}: plain HTTP reaches the app`,
          location: redirect.from.location,
        },
      ];
    });
  },
};
