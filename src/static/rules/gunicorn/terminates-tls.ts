import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";
import { warnAtCertfile } from "./shared.js";

export const gunicornTerminatesTls: StaticRule = {
  meta: {
    id: "gunicorn-terminates-tls",
    clause: "scheme",
    severity: "info",
    title: "gunicorn terminates TLS itself",
    explanation:
      "With certfile set, gunicorn speaks HTTPS and wsgi.url_scheme is https on its own. The proxy in front must pass TLS through (TCP mode) and cannot add X-Forwarded-* headers, so any X-Forwarded-Proto that reaches Django came from the client: SECURE_PROXY_SSL_HEADER should stay unset.",
    fix: {
      gunicorn:
        "Either keep TLS here and use a TCP passthrough proxy, or terminate TLS at the proxy and drop certfile/keyfile.",
      django: "With TLS passthrough, leave SECURE_PROXY_SSL_HEADER unset.",
    },
  },
  check(input: AuditInput): RuleFinding[] {
    return warnAtCertfile(
      input,
      "certfile is set: gunicorn terminates TLS, so the proxy must pass TLS through and cannot set forwarding headers",
    );
  },
};
