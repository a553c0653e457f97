/** What the Apache rules share: the vhosts that hand requests to the app, and how to name them. */
import { is, type ApacheConfig, type ApacheDirective, type VirtualHost } from "../../apache/model.js";
import { appHosts, type AppHost } from "../../apache/queries.js";
import type { RuleFinding } from "../../rule.js";

export interface ProxiedHost {
  host: VirtualHost;
  /** The first ProxyPass (or ProxyPassMatch) to an HTTP backend, e.g. "http://127.0.0.1:8001/". */
  pass: ApacheDirective;
  backend: string;
}

/** vhosts that hand requests to an HTTP backend with mod_proxy (not `ProxyPass /static !`). */
export function proxiedHosts(config: ApacheConfig): ProxiedHost[] {
  return appHosts(config).flatMap(({ host, mount }) =>
    mount.kind === "proxy" ? [{ host, pass: mount.at, backend: mount.backend }] : [],
  );
}

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
