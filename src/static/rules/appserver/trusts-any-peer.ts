/**
 * An app server that believes every peer's forwarding headers (uvicorn --forwarded-allow-ips '*',
 * daphne --proxy-headers, waitress trusted_proxy '*', a uWSGI uwsgi-protocol socket) while listening
 * where others can connect: whoever reaches it around the proxy picks scheme and client address.
 */
import type { RuleFinding, StaticRule } from "../../rule.js";
import { everyPeerEntry } from "../../gunicorn/addresses.js";
import { at, reachableBinds, spelled } from "./shared.js";

const HOW = {
  uvicorn: "takes X-Forwarded-Proto and X-Forwarded-For (its first entry) from every peer",
  daphne:
    "checks no peer address at all: every client's X-Forwarded-For (first entry) and X-Forwarded-Proto count",
  waitress: "rewrites the scheme and client address from every peer's forwarding headers",
  uwsgi:
    "takes X-Forwarded-Proto from every peer and, on a uwsgi-protocol socket, HTTPS, REMOTE_ADDR and every other CGI variable as the peer sends them",
} as const;

export const appServerTrustsAnyPeer: StaticRule = {
  meta: {
    id: "app-server-trusts-any-peer",
    clause: "origin-exposure",
    severity: "high",
    title: "The app server believes forwarding headers from anyone who can reach it",
    explanation:
      "uvicorn with --forwarded-allow-ips '*' (or a network covering every address, such as 0.0.0.0/0), daphne with --proxy-headers (which never checks the peer), waitress with trusted_proxy '*' and uWSGI (which takes X-Forwarded-Proto from anyone, and on a uwsgi-protocol socket every CGI variable) all let the connecting peer decide the scheme and the client address. That is right only when the proxy is the one peer that can connect. Listening on a reachable address, any host that gets around the proxy sends X-Forwarded-Proto: https over plain HTTP, or any client address it likes.",
    fix: {
      uvicorn:
        "--forwarded-allow-ips=<the proxy's address>, or keep '*' and bind with --uds /run/app/uvicorn.sock or --host 127.0.0.1",
      daphne:
        "-u /run/app/daphne.sock (or -b 127.0.0.1) with --proxy-headers: daphne trusts every peer, so only the proxy may reach it",
      waitress: "trusted_proxy=<the proxy's address> (one address), or listen on 127.0.0.1 / a unix socket",
      uwsgi: "socket = /run/app/uwsgi.sock (or 127.0.0.1:3031), never :3031 on a reachable interface",
    },
  },
  check(input): RuleFinding[] {
    return (input.appServers ?? []).flatMap((server): RuleFinding[] => {
      // uvicorn matches peers against networks, so 0.0.0.0/0 trusts everyone too; waitress compares
      // trusted_proxy with the peer's address as a string, and daphne and uWSGI list only '*'.
      const everyone =
        server.server === "uvicorn"
          ? everyPeerEntry(server.trustedPeers.value)
          : server.trustedPeers.value.find((peer) => peer === "*");
      if (everyone === undefined || server.binds.value.length === 0) return [];
      const reachable = reachableBinds(server);
      if (reachable.length === 0) return [];
      const trust =
        server.server === "uwsgi"
          ? `socket ${reachable.join(", ")}`
          : spelled(server.trustedPeers, `'${everyone}'`);
      return [
        {
          status: "fail",
          message: `${server.server} (${trust}) ${HOW[server.server]}, and it listens on ${reachable.join(", ")}: anyone who reaches that address without the proxy decides what Django believes about scheme and client.`,
          location: at(server.trustedPeers),
        },
      ];
    });
  },
};
