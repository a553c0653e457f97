/** waitress: believes the listed forwarding headers from the one trusted_proxy address, drops the rest. */
import type { ProxiedRequest } from "../model.js";
import { upstreamAddress } from "../model.js";
import type { ServiceCommand } from "./systemd.js";

export function waitressCommand(request: ProxiedRequest): ServiceCommand {
  return {
    why: [
      `waitress sets wsgi.url_scheme from X-Forwarded-Proto sent by ${request.proxyAddress} (the ${request.proxy} proxy) only,`,
      "and removes the forwarding headers it does not trust, so Django never reads a client's copy.",
    ],
    argv: [
      "/usr/bin/waitress-serve",
      `--listen=${upstreamAddress(request.upstream)}`,
      `--trusted-proxy=${request.proxyAddress}`,
      "--trusted-proxy-headers=x-forwarded-proto",
      "--clear-untrusted-proxy-headers",
      `${request.app.package}.wsgi:application`,
    ],
  };
}
