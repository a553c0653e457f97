/**
 * gunicorn rewrites wsgi.url_scheme from X-Forwarded-Proto, X-Forwarded-Protocol and X-Forwarded-Ssl
 * (secure_scheme_headers) when the peer is in forwarded_allow_ips, and always for unix-socket peers.
 */
import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";
import { everyPeerEntry } from "../../gunicorn/addresses.js";
import { isLocalOnly, where } from "./shared.js";
import { bindAddresses } from "../../gunicorn/queries.js";

export const gunicornForwardedAllowIpsWildcard: StaticRule = {
  meta: {
    id: "gunicorn-forwarded-allow-ips-wildcard",
    clause: "spoofed-proto",
    severity: "high",
    title: "gunicorn takes scheme headers from any peer",
    explanation:
      "forwarded_allow_ips = '*' (or a network covering every address, such as 0.0.0.0/0 or ::/0) makes gunicorn believe X-Forwarded-Proto, X-Forwarded-Protocol and X-Forwarded-Ssl from whoever connects. Anyone who reaches gunicorn without the proxy (or through a proxy that passes these headers on) can make a plain-HTTP request look like https to Django.",
    fix: {
      gunicorn:
        "forwarded_allow_ips = '127.0.0.1'  # or the proxy's own address; never '*' on a reachable bind",
    },
  },
  check(input: AuditInput): RuleFinding[] {
    const config = input.gunicorn;
    if (!config?.forwardedAllowIps) return [];
    const values = config.forwardedAllowIps.values;
    const wildcard = values.find((v) => v.kind === "known" && everyPeerEntry(v.value) !== undefined);
    if (!wildcard) {
      const unread = values.find((v) => v.kind === "unknown" && !v.env);
      return unread?.kind === "unknown"
        ? [
            {
              status: "error",
              message: `forwarded_allow_ips could not be read statically (${unread.reason}); if it is '*', any peer that reaches gunicorn can set the scheme`,
              location: where(config, config.forwardedAllowIps),
            },
          ]
        : [];
    }
    const envNote =
      wildcard.kind === "known" && wildcard.fromEnv
        ? ` (the default when $${wildcard.fromEnv} is unset)`
        : "";
    const entry = wildcard.kind === "known" ? (everyPeerEntry(wildcard.value) ?? "*") : "*";
    const binds = bindAddresses(config);
    const localOnly = binds.every(isLocalOnly);
    return [
      {
        status: localOnly ? "warn" : "fail",
        message: localOnly
          ? `forwarded_allow_ips '${entry}'${envNote}: gunicorn only listens on ${binds.join(", ")}, so only local processes can set the scheme, but any proxy there that passes X-Forwarded-Ssl or X-Forwarded-Protocol through lets clients do it`
          : `forwarded_allow_ips '${entry}'${envNote} while gunicorn listens on ${binds.join(", ")}: any peer can set wsgi.url_scheme with X-Forwarded-Proto`,
        location: where(config, config.forwardedAllowIps),
      },
    ];
  },
};
