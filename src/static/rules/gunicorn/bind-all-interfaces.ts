import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";
import { classifyHost, hostOfAddress } from "../../gunicorn/addresses.js";
import { where } from "./shared.js";
import { bindAddresses } from "../../gunicorn/queries.js";

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
        location: where(config, config.bind),
      },
    ];
  },
};
