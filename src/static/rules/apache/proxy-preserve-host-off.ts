/**
 * ProxyPreserveHost is Off by default: the app then sees the backend's address as Host, so
 * ALLOWED_HOSTS either refuses every request or has to list that address, and absolute URLs,
 * redirects and the CSRF origin check use it.
 */
import { is } from "../../apache/model.js";
import { hostOfAddress } from "../../gunicorn/addresses.js";
import type { RuleFinding, StaticRule } from "../../rule.js";
import { hostAllowed, stringItems } from "../../contract/app-side.js";
import { appHosts, speaksHttp, at, describeHost } from "../../apache/queries.js";
import { candidates } from "../../python/settings-queries.js";

export const apacheProxyPreserveHostOff: StaticRule = {
  meta: {
    id: "apache-proxy-preserve-host-off",
    clause: "host-header",
    severity: "medium",
    title: "Apache sends the backend's address as Host (ProxyPreserveHost Off)",
    explanation:
      "Without ProxyPreserveHost On, mod_proxy replaces the client's Host with the backend's (127.0.0.1:8000). Django then validates that address against ALLOWED_HOSTS: every request fails with 400 unless ALLOWED_HOSTS lists the backend address, and when it does, the Host check protects nothing, absolute URLs and redirects point at the backend, and the CSRF Origin check compares against it.",
    fix: {
      apache: "# In the vhost that proxies to the app\nProxyPreserveHost On",
      django: "ALLOWED_HOSTS = ['app.example.com']  # the public name, never the backend address",
    },
  },
  check(input): RuleFinding[] {
    if (!input.apache) return [];
    return appHosts(input.apache).flatMap(({ host, mount }): RuleFinding[] => {
      if (!speaksHttp(mount)) return [];
      const preserve = host.directives.findLast((d) => is(d, "ProxyPreserveHost"));
      if (preserve?.args[0]?.toLowerCase() === "on") return [];
      const backendHost = hostOfAddress(mount.backend);
      const lists = input.settings
        ? candidates(input.settings, "ALLOWED_HOSTS").flatMap((c) => {
            const items = stringItems(c);
            return items ? [hostAllowed(items, backendHost)] : [];
          })
        : [];
      const refused = lists.length > 0 && lists.every((allowed) => !allowed);
      const off = preserve ? `ProxyPreserveHost ${preserve.args[0]}` : "ProxyPreserveHost is not set (Off)";
      return [
        {
          status: refused ? "fail" : "warn",
          message: refused
            ? `${describeHost(host)}: ${off}, so Django sees Host ${backendHost}, which ALLOWED_HOSTS does not list: every proxied request is refused with 400.`
            : `${describeHost(host)}: ${off}, so Django sees Host ${backendHost} instead of the site's name: ALLOWED_HOSTS must list the backend address, and absolute URLs, redirects and the CSRF Origin check use it.`,
          location: at(preserve ?? mount.at),
        },
      ];
    });
  },
};
