/**
 * daphne --proxy-headers and uvicorn with '*' take the client address from the first X-Forwarded-For
 * entry. When the proxy appends its peer to the client's header (or passes it on), that first entry is
 * whatever the client wrote.
 */
import type { RuleFinding } from "../../rule.js";
import { allRoutes, clientCopies, contractRule, describeCopy, finding } from "./shared.js";

export const clientAddressFirstEntry = contractRule(
  {
    id: "contract-client-address-first-entry",
    clause: "client-ip",
    severity: "high",
    title: "The app server takes the client address from an entry the client wrote",
    explanation:
      "daphne with --proxy-headers, and uvicorn with --forwarded-allow-ips '*', make the first X-Forwarded-For entry the client address Django sees (REMOTE_ADDR / scope client). A proxy that appends to the client's own X-Forwarded-For ($proxy_add_x_forwarded_for, HAProxy's option forwardfor without deleting the header first) or passes it on leaves that first entry to the client: rate limits, audit logs and allow-lists trust a forged address.",
    fix: {
      django:
        "Take the client address from REMOTE_ADDR as the app server sets it; never parse X-Forwarded-For yourself.",
      nginx: "proxy_set_header X-Forwarded-For $remote_addr;  # overwrite: the app reads the first entry",
      haproxy: "http-request del-header X-Forwarded-For\noption forwardfor",
      caddy: "Drop trusted_proxies (or narrow it): reverse_proxy then sets X-Forwarded-For to the real peer.",
      daphne: "keep --proxy-headers only behind a proxy that overwrites X-Forwarded-For",
      uvicorn: "--forwarded-allow-ips=<the proxy's address>: uvicorn then takes the nearest untrusted entry",
      apache: "# mod_proxy_http then adds only the real peer\nRequestHeader unset X-Forwarded-For early",
    },
  },
  (input) => {
    const routes = allRoutes(input);
    return input.appServers.flatMap((server): RuleFinding[] => {
      const address = server.clientAddress;
      if (address?.pick !== "first") return [];
      return clientCopies(routes, address.header, false).map((copy) =>
        finding(
          copy.fate.onlyWhen ? "warn" : "fail",
          `${server.server} takes the client address from the first ${address.header} entry (${server.trustedPeers.option}, ${server.trustedPeers.file}:${server.trustedPeers.line}), and ${describeCopy(copy)}: a client chooses the address Django sees.`,
          copy.fate.at,
        ),
      );
    });
  },
);
