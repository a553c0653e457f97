/** What the Apache rules share: how to name a vhost and what it does, and where a directive is. */
import { is, type ApacheDirective, type VirtualHost } from "../../apache/model.js";
import { requestHeaderFate, type AppHost } from "../../apache/queries.js";
import type { RuleFinding } from "../../rule.js";
import { claimsHttps, SCHEME_HEADERS } from "../scheme-claims.js";

export function describeHost(host: VirtualHost): string {
  const name = host.directives.findLast((d) => is(d, "ServerName"))?.args[0];
  return `<VirtualHost ${host.section.args.join(" ")}>${name ? ` (${name})` : ""}`;
}

/** "proxies to http://…" or "runs the app in-process (mod_wsgi)", for messages. */
export function describeMount({ mount }: AppHost): string {
  return mount.kind === "proxy" ? `proxies to ${mount.backend}` : "runs the app in-process (mod_wsgi)";
}

export function at(directive: ApacheDirective): RuleFinding["location"] {
  return { file: directive.file, line: directive.line };
}

/** The scheme header Apache itself sets to "https" for the app (RequestHeader set X-Forwarded-Proto https), if any. */
export function httpsClaim(app: AppHost): { header: string; value: string; at: ApacheDirective } | undefined {
  for (const header of SCHEME_HEADERS) {
    const fate = requestHeaderFate(app, header);
    if (fate.kind === "proxy" && claimsHttps(header, fate.value))
      return { header, value: fate.value, at: fate.at };
  }
  return undefined;
}
