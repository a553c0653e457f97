/** gunicorn with certfile talks to clients (or to a TCP passthrough): nothing rewrites their headers. */
import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";
import { warnAtCertfile } from "./shared.js";

export const gunicornTlsClientAddressHeaders: StaticRule = {
  meta: {
    id: "gunicorn-tls-client-address-headers",
    clause: "client-ip",
    severity: "medium",
    title: "gunicorn terminating TLS passes the client's X-Forwarded-For and X-Real-IP",
    explanation:
      "When gunicorn terminates TLS, no HTTP proxy sits in front of it to replace X-Forwarded-For or X-Real-IP: every copy Django receives was written by the client. Django itself ignores both (REMOTE_ADDR is the real peer), but apps, rate limiters and packages such as django-ipware that read them believe a forged address.",
    fix: {
      django: "Read the client address from REMOTE_ADDR; never from X-Forwarded-For or X-Real-IP here.",
      gunicorn: "Or terminate TLS at a proxy that overwrites both headers, and drop certfile/keyfile.",
    },
  },
  check(input: AuditInput): RuleFinding[] {
    return warnAtCertfile(
      input,
      "certfile is set: gunicorn faces the clients, so every X-Forwarded-For and X-Real-IP Django receives was written by them; code that reads either believes a forged address",
    );
  },
};
