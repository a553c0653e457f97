/** What the Apache rules share: how to name what a vhost does, and the scheme header it claims https with. */
import type { ApacheDirective } from "../../apache/model.js";
import { requestHeaderFate, type AppHost } from "../../apache/queries.js";
import { claimsHttps, SCHEME_HEADERS } from "../scheme-claims.js";

/** "proxies to http://…" or "runs the app in-process (mod_wsgi)", for messages. */
export function describeMount({ mount }: AppHost): string {
  return mount.kind === "proxy" ? `proxies to ${mount.backend}` : "runs the app in-process (mod_wsgi)";
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
