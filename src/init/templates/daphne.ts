/** daphne (ASGI): with --proxy-headers it believes every peer, so it listens where only the proxy connects. */
import type { ProxiedRequest } from "../model.js";
import type { ServiceCommand } from "./systemd.js";

export function daphneCommand(request: ProxiedRequest): ServiceCommand {
  const { host, port } = request.upstream;
  return {
    why: [
      "--proxy-headers: daphne takes the client address from X-Forwarded-For and, only when that is present,",
      `the scheme from X-Forwarded-Proto; the ${request.proxy} proxy overwrites both. daphne checks no peer`,
      `address, so it listens on ${host} (loopback), where only the proxy can connect.`,
    ],
    argv: [
      "/usr/bin/python3",
      "-m",
      "daphne",
      "-b",
      host,
      "-p",
      String(port),
      "--proxy-headers",
      `${request.app.package}.asgi:application`,
    ],
  };
}
