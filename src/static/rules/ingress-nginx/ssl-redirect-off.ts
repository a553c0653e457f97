/**
 * ingress-nginx redirects plain HTTP to HTTPS when force-ssl-redirect is on, or when ssl-redirect (default
 * "true") is on and the request's Host has a certificate (lua_ingress.lua redirect_to_https, which asks
 * certificate.lua's configured_for_current_request). The default server's certificate is filed under "_",
 * never a Host a browser sends, so a rule without host is redirected only by force-ssl-redirect; the
 * catch-all an Ingress's lone defaultBackend becomes keeps none of its redirect annotations at all.
 */
import { clause } from "../../../clauses.js";
import {
  describeBool,
  hostsWithCertificate,
  ingressHosts,
  nginxIngresses,
  resolveBool,
  type ResolvedBool,
} from "../../kubernetes/ingress-nginx.js";
import type { Ingress } from "../../kubernetes/model.js";
import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";

/** The named hosts of a TLS Ingress whose ssl-redirect is off and not forced. */
function sslRedirectOff(
  ingress: Ingress,
  hosts: string[],
  redirect: ResolvedBool,
  force: ResolvedBool,
): RuleFinding[] {
  if (redirect.value || force.value || !redirect.from) return [];
  const where = redirect.from.source === "ConfigMap" ? " in the controller ConfigMap" : "";
  // An Ingress's force-ssl-redirect: "false" also turns off a force the ConfigMap sets.
  const unforced =
    force.from?.source === "annotation" ? ', and its force-ssl-redirect annotation is "false"' : "";
  return [
    {
      status: "fail",
      message: `Ingress ${ingress.name} (${hosts.join(", ")}) has TLS but ssl-redirect is ${describeBool(redirect.from)}${where}${unforced}: plain HTTP reaches the app`,
      location: redirect.from.location,
    },
  ];
}

/** The default server's paths of a TLS Ingress: its rules without host, or its catch-all defaultBackend. */
function defaultServerUnredirected(ingress: Ingress, force: ResolvedBool): RuleFinding[] {
  const at = { file: ingress.file, line: ingress.line };
  if (ingress.backends.some((backend) => backend.catchAll))
    return [
      {
        status: "fail",
        message: `Ingress ${ingress.name} has TLS but only a defaultBackend, which the controller makes its catch-all: there it applies none of the Ingress's redirect annotations, and neither ssl-redirect nor force-ssl-redirect sends plain HTTP to HTTPS, so plain HTTP reaches the app`,
        location: at,
      },
    ];
  if (force.value) return [];
  return [
    {
      status: "fail",
      message: `Ingress ${ingress.name} has TLS but a rule without host, served by the default server: ssl-redirect redirects only a Host with a certificate of its own (the default server's is filed under "_"), so without force-ssl-redirect: "true" plain HTTP reaches the app`,
      location: force.from?.location ?? at,
    },
  ];
}

export const ingressNginxSslRedirectOff: StaticRule = {
  meta: {
    id: "ingress-nginx-ssl-redirect-off",
    clause: "https-redirect",
    severity: "high",
    title: "ingress-nginx serves a TLS Ingress over plain HTTP too",
    explanation:
      'ssl-redirect: "false" (annotation or controller ConfigMap) stops the controller redirecting HTTP to HTTPS for a host with TLS (any Ingress routing it has a tls entry, with or without hosts), unless force-ssl-redirect is "true" for it; each annotation overrides only the ConfigMap key of its own name. A rule without host is never redirected by ssl-redirect, since the controller redirects only a Host with a certificate of its own: only force-ssl-redirect redirects there, and nothing redirects the catch-all that an Ingress with only a defaultBackend becomes. Unless Django redirects itself (SECURE_SSL_REDIRECT with SECURE_PROXY_SSL_HEADER), users stay on HTTP.',
    fix: {
      "ingress-nginx":
        'Remove ssl-redirect: "false", or set nginx.ingress.kubernetes.io/force-ssl-redirect: "true" (needed when TLS ends at a load balancer in front, and for a rule without host); give a defaultBackend-only Ingress a rule with the site\'s host.',
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
      const named = hosts.filter((host) => host !== "");
      return [
        ...(named.length > 0 ? sslRedirectOff(ingress, named, redirect, force) : []),
        ...(hosts.includes("") ? defaultServerUnredirected(ingress, force) : []),
      ];
    });
  },
};
