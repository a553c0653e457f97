/**
 * mod_proxy_http adds X-Forwarded-For, -Host and -Server but never X-Forwarded-Proto: unless a
 * RequestHeader sets it, the app gets the client's copy, or nothing on HTTPS.
 */
import { is } from "../../apache/model.js";
import { appHosts, requestHeaderFate, at, describeHost } from "../../apache/queries.js";
import type { RuleFinding, StaticRule } from "../../rule.js";

export const apacheXForwardedProtoNotSet: StaticRule = {
  meta: {
    id: "apache-x-forwarded-proto-not-set",
    clause: "spoofed-proto",
    severity: "high",
    title: "Apache proxies to the app without setting X-Forwarded-Proto",
    explanation:
      "Apache's mod_proxy sets X-Forwarded-For, X-Forwarded-Host and X-Forwarded-Server on proxied requests, but not X-Forwarded-Proto. Without `RequestHeader set X-Forwarded-Proto`, the client's own X-Forwarded-Proto reaches the app unchanged: a plain-HTTP request claiming https is believed by SECURE_PROXY_SSL_HEADER (or the app server's proxy-header trust), and real HTTPS requests carry no https marker at all.",
    fix: {
      apache:
        "# In every vhost with ProxyPass (mod_headers)\nRequestHeader set X-Forwarded-Proto expr=%{REQUEST_SCHEME}",
      django: "SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https') once Apache sets it",
    },
  },
  check(input): RuleFinding[] {
    if (!input.apache) return [];
    return appHosts(input.apache).flatMap((app): RuleFinding[] => {
      const { host, mount } = app;
      if (mount.kind !== "proxy") return [];
      const fate = requestHeaderFate(app, "X-Forwarded-Proto");
      if (fate.kind !== "client") return [];
      const how = is(fate.at, "RequestHeader")
        ? `RequestHeader ${fate.at.args[0]} X-Forwarded-Proto (${fate.at.file}:${fate.at.line}) keeps the client's value`
        : "no RequestHeader sets X-Forwarded-Proto";
      return [
        {
          status: "fail",
          message: `${describeHost(host)} proxies to ${mount.backend} and ${how}: the client's own X-Forwarded-Proto reaches the app${host.tls ? ", and HTTPS requests carry no https marker" : ""}.`,
          location: at(mount.at),
        },
      ];
    });
  },
};
