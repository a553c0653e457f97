/** gunicorn options: listen where only the proxy connects, believe the scheme from the proxy alone. */
import type { ProxiedRequest } from "../model.js";
import { upstreamAddress } from "../model.js";
import { banner, comment } from "./comments.js";

export function gunicornConfig(request: ProxiedRequest): string {
  const python = (value: string): string => JSON.stringify(value);
  const lines = [
    ...comment("#", [
      ...banner(request, "gunicorn.conf.py"),
      `Run: gunicorn -c gunicorn.conf.py ${request.app.package}.wsgi`,
    ]),
    "",
    `bind = ${python(upstreamAddress(request.upstream))}`,
    `# gunicorn sets wsgi.url_scheme from these headers only for connections from ${request.proxyAddress},`,
    `# the ${request.proxy} proxy; the proxy removes the client's copies.`,
    `forwarded_allow_ips = ${python(request.proxyAddress)}`,
    "# Only the header the proxy overwrites; gunicorn's default also believes X-Forwarded-Protocol and -Ssl.",
    'secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}',
    "",
  ];
  return lines.join("\n");
}
