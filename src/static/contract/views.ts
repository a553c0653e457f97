/**
 * The views of the proxy configs an audit was given, built when asked: each proxy's own module turns
 * its parsed config into the shape proxy-view.ts defines.
 */
import type { AuditInput } from "../rule.js";
import { appServerEndpoints } from "../appserver/endpoints.js";
import { apacheView } from "./apache-view.js";
import { caddyView } from "./caddy-view.js";
import { haproxyView } from "./haproxy-view.js";
import { nginxHosts, nginxView } from "./nginx-view.js";
import type { ProxyView } from "./proxy-view.js";

interface ViewSource {
  view: () => ProxyView;
  hosts: () => string[];
}

/** Each proxy config given, with how to build its view and to list its routes' hosts, each when asked. */
function viewSources(input: AuditInput): ViewSource[] {
  const { nginx, caddy, haproxy, apache } = input;
  const fromView = (view: () => ProxyView): ViewSource => ({
    view,
    hosts: () => view().routes.flatMap((route) => route.hosts),
  });
  return [
    // nginx's hosts are known without judging every route: a large configuration's view is costly.
    ...(nginx
      ? [
          {
            view: () => nginxView(nginx, appServerEndpoints(input)),
            hosts: () => nginxHosts(nginx, appServerEndpoints(input)),
          },
        ]
      : []),
    ...(caddy ? [fromView(() => caddyView(caddy))] : []),
    ...(haproxy ? [fromView(() => haproxyView(haproxy))] : []),
    ...(apache ? [fromView(() => apacheView(apache))] : []),
  ];
}

/** The views of every proxy config given. */
export function proxyViews(input: AuditInput): ProxyView[] {
  return viewSources(input).map((source) => source.view());
}

/** The host names the proxies' routes answer for, in proxyViews order. */
export function servedHosts(input: AuditInput): string[] {
  return viewSources(input).flatMap((source) => source.hosts());
}
