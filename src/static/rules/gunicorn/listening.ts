/** Where gunicorn listens and whether it terminates TLS itself. */
import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";
import { classifyHost, hostOfAddress } from "../../gunicorn/addresses.js";
import { bindAddresses } from "./forwarded-allow-ips.js";

export const gunicornBindAllInterfaces: StaticRule = {
  meta: {
    id: "gunicorn-bind-all-interfaces",
    clause: "origin-exposure",
    severity: "medium",
    title: "gunicorn listens on every interface",
    explanation:
      "Bound to 0.0.0.0 (or [::]), gunicorn answers anyone who can reach the machine, around the proxy: its HTTPS redirect, Host checks and header overwrites no longer apply, and with SECURE_PROXY_SSL_HEADER Django believes any X-Forwarded-Proto sent directly.",
    fix: {
      gunicorn:
        "bind = '127.0.0.1:8000'  # or 'unix:/run/gunicorn.sock'; in containers, publish the port to the proxy's network only",
    },
  },
  check(input: AuditInput): RuleFinding[] {
    const config = input.gunicorn;
    if (!config) return [];
    const open = bindAddresses(config).filter((b) => classifyHost(hostOfAddress(b)) === "all-interfaces");
    if (open.length === 0) return [];
    return [
      {
        status: "warn",
        message: `gunicorn binds ${open.join(", ")}: reachable on every interface, not only from the proxy`,
        location: { file: config.bind?.file ?? config.file, line: config.bind?.line ?? 1 },
      },
    ];
  },
};

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
    const certfile = input.gunicorn?.certfile;
    if (!certfile?.values.some((v) => v.kind === "known")) return [];
    return [
      {
        status: "warn",
        message:
          "certfile is set: gunicorn terminates TLS, so the proxy must pass TLS through and cannot set forwarding headers",
        location: { file: certfile.file, line: certfile.line },
      },
    ];
  },
};
