/**
 * waitress 2.1 leaves the forwarding headers it does not act on in the environ unless
 * clear_untrusted_proxy_headers is on, so Django still reads them (SECURE_PROXY_SSL_HEADER,
 * USE_X_FORWARDED_HOST, X-Forwarded-For in middleware) whoever sent them.
 */
import type { RuleFinding, StaticRule } from "../../rule.js";
import { at } from "./shared.js";

export const waitressUntrustedHeadersKept: StaticRule = {
  meta: {
    id: "waitress-untrusted-headers-kept",
    clause: "spoofed-proto",
    severity: "medium",
    title: "waitress passes forwarding headers it does not trust on to Django",
    explanation:
      "With trusted_proxy set, waitress rewrites the scheme and client address from the headers in trusted_proxy_headers, but until clear_untrusted_proxy_headers is on (its default is still False in 2.x) every other X-Forwarded-* header, and all of them from peers it does not trust, reach Django untouched. Django's SECURE_PROXY_SSL_HEADER, USE_X_FORWARDED_HOST and any middleware reading X-Forwarded-For then believe whatever the client wrote.",
    fix: {
      waitress: "clear_untrusted_proxy_headers = True  (waitress-serve --clear-untrusted-proxy-headers)",
    },
  },
  check(input): RuleFinding[] {
    return (input.appServers ?? []).flatMap((server): RuleFinding[] => {
      if (server.server !== "waitress" || server.trustedPeers.value.length === 0) return [];
      if (server.clearsUntrusted?.value) return [];
      const setting = server.clearsUntrusted ?? server.trustedPeers;
      const unset = setting.option === "default" ? "is not set (waitress defaults to False)" : "is off";
      return [
        {
          status: server.trustedPeers.value.includes("*") ? "fail" : "warn",
          message: `waitress trusts ${server.trustedPeers.value.join(", ")} (${server.trustedPeers.option}) but clear_untrusted_proxy_headers ${unset}: the X-Forwarded-* headers it does not act on reach Django as the client sent them.`,
          location: at(setting.option === "default" ? server.trustedPeers : setting),
        },
      ];
    });
  },
};
