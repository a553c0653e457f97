import type { StaticRule } from "../../rule.js";
import { forEachNamed, inheritedValue } from "../../nginx/scope.js";
import { finding } from "./shared.js";

/** proxy_pass to an https origin with a client certificate, without checking the origin's own certificate. */
export const originCertificateUnverified: StaticRule = {
  meta: {
    id: "nginx-origin-certificate-unverified",
    clause: "origin-exposure",
    severity: "medium",
    title: "The proxy presents its client certificate to an origin whose certificate it never checks",
    explanation:
      "proxy_ssl_certificate says the link to the origin is meant to be mutual TLS, but nginx does not verify upstream certificates unless proxy_ssl_verify is on. Whoever can answer on the origin's address (a hijacked DNS name, a neighbour on the network) gets every request, cookies and credentials included, and the proxy's certificate only proves the proxy to them.",
    fix: {
      nginx:
        "proxy_ssl_trusted_certificate /etc/nginx/origin-ca.pem;\nproxy_ssl_verify on;\nproxy_ssl_name app.internal;  # the name in the origin's certificate",
    },
  },
  check(input) {
    const config = input.nginx;
    if (!config) return [];
    const found: ReturnType<StaticRule["check"]> = [];
    forEachNamed(config.root, ["proxy_pass"], (directive, scope) => {
      if (!/^https:\/\//i.test(directive.args[0] ?? "")) return;
      const certificate = inheritedValue(scope, "proxy_ssl_certificate");
      if (!certificate || inheritedValue(scope, "proxy_ssl_verify")?.args[0]?.toLowerCase() === "on") return;
      found.push(
        finding(
          "warn",
          `proxy_pass ${directive.args[0]} presents proxy_ssl_certificate ${certificate.args[0] ?? ""} without proxy_ssl_verify on: nginx accepts any certificate from the origin.`,
          directive,
        ),
      );
    });
    return found;
  },
};
