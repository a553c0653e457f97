/** uvicorn (ASGI): believes X-Forwarded-Proto and -For only from the addresses in --forwarded-allow-ips. */
import type { ProxiedRequest } from "../model.js";
import type { ServiceCommand } from "./systemd.js";

export function uvicornCommand(request: ProxiedRequest): ServiceCommand {
  const { host, port } = request.upstream;
  return {
    why: [
      `uvicorn takes the scheme (X-Forwarded-Proto) and client address (X-Forwarded-For) from ${request.proxyAddress} only,`,
      `the ${request.proxy} proxy, which overwrites both. Its default is $FORWARDED_ALLOW_IPS, else 127.0.0.1: say it.`,
    ],
    argv: [
      "/usr/bin/python3",
      "-m",
      "uvicorn",
      `${request.app.package}.asgi:application`,
      "--host",
      host,
      "--port",
      String(port),
      "--proxy-headers",
      "--forwarded-allow-ips",
      request.proxyAddress,
    ],
  };
}
