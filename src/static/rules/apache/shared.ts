/** What the Apache rules share: the vhosts that proxy to the app, and where. */
import {
  is,
  virtualHosts,
  type ApacheConfig,
  type ApacheDirective,
  type VirtualHost,
} from "../../apache/model.js";

export interface ProxiedHost {
  host: VirtualHost;
  /** The first ProxyPass (or ProxyPassMatch) to an HTTP backend, e.g. "http://127.0.0.1:8001/". */
  pass: ApacheDirective;
  backend: string;
}

/** vhosts that hand requests to an HTTP backend with mod_proxy (not `ProxyPass /static !`). */
export function proxiedHosts(config: ApacheConfig): ProxiedHost[] {
  return virtualHosts(config).flatMap((host) => {
    const pass = host.directives.find(
      (d) =>
        (is(d, "ProxyPass") || is(d, "ProxyPassMatch")) &&
        /^(unix:[^|]*\|)?https?:\/\//i.test(d.args[1] ?? ""),
    );
    return pass ? [{ host, pass, backend: (pass.args[1] ?? "").replace(/^unix:[^|]*\|/i, "") }] : [];
  });
}

/** The last `RequestHeader <action> NAME` in scope, if any. */
export function requestHeader(host: VirtualHost, name: string): ApacheDirective | undefined {
  return host.directives.findLast(
    (d) => is(d, "RequestHeader") && (d.args[1] ?? "").toLowerCase() === name.toLowerCase(),
  );
}

export function describeHost(host: VirtualHost): string {
  const name = host.directives.findLast((d) => is(d, "ServerName"))?.args[0];
  return `<VirtualHost ${host.section.args.join(" ")}>${name ? ` (${name})` : ""}`;
}
