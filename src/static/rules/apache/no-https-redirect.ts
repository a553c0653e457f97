/** A plain-HTTP vhost that hands every request to the app, with no Redirect or RewriteRule to https. */
import { virtualHosts } from "../../apache/model.js";
import { appHosts, redirectsToHttps, at, describeHost } from "../../apache/queries.js";
import type { RuleFinding, StaticRule } from "../../rule.js";
import { unredirectedVerdict } from "../unredirected-plain-http.js";
import { describeMount, httpsClaim } from "./shared.js";
import { djangoReadsSchemeHeader } from "../../python/settings-queries.js";

export const apacheNoHttpsRedirect: StaticRule = {
  meta: {
    id: "apache-no-https-redirect",
    clause: "https-redirect",
    severity: "high",
    title: "A plain-HTTP virtual host serves the app without redirecting to HTTPS",
    explanation:
      "The <VirtualHost *:80> hands requests to the app (ProxyPass or WSGIScriptAlias) with no Redirect or RewriteRule to https://. Unless Django redirects (SECURE_SSL_REDIRECT), users stay on plain HTTP: a failure when the settings show Django does not redirect, a warning (the round trip to the app) when it does or when the settings were not given.",
    fix: {
      apache:
        '<VirtualHost *:80>\n    ServerName app.example.com\n    RewriteEngine on\n    RewriteRule "!^/healthz$" "https://app.example.com%{REQUEST_URI}" [R=301,L]\n</VirtualHost>',
      django: "SECURE_SSL_REDIRECT = True",
    },
  },
  check(input): RuleFinding[] {
    if (!input.apache) return [];
    const tlsSomewhere = virtualHosts(input.apache).some((host) => host.tls);
    return appHosts(input.apache).flatMap((app): RuleFinding[] => {
      const mountsAll = app.mount.paths.includes("/");
      if (app.host.tls || !mountsAll || redirectsToHttps(app.host)) return [];
      const served = `${describeHost(app.host)} serves plain HTTP and ${describeMount(app)} without redirecting to https`;
      const claim = httpsClaim(app);
      // Django believes Apache's "https" on every plain request, so its own redirect never fires.
      const verdict =
        claim && djangoReadsSchemeHeader(input)
          ? {
              status: "fail" as const,
              message: `${served}, and it sets ${claim.header} "${claim.value}" (${claim.at.file}:${claim.at.line}), which SECURE_PROXY_SSL_HEADER believes: Django's SECURE_SSL_REDIRECT never fires, so nobody redirects plain HTTP.`,
            }
          : tlsSomewhere
            ? unredirectedVerdict(served, input.settings)
            : {
                status: "warn" as const,
                message: `${served}; fine only if TLS ends in front of Apache and redirects there.`,
              };
      return [{ ...verdict, location: at(app.mount.at) }];
    });
  },
};
