/** SECURE_SSL_REDIRECT behind a proxy that does not tell Django about HTTPS redirects HTTPS to itself forever. */
import type { RuleFinding } from "../../rule.js";
import { redirectingBranches, schemeReaders } from "../../contract/app-side.js";
import { allRoutes, contractRule, finding } from "./shared.js";
import { appServerUnknown, routesLosingScheme } from "../../contract/scheme.js";

export const sslRedirectLoop = contractRule(
  {
    id: "contract-ssl-redirect-loop",
    clause: "https-redirect",
    severity: "high",
    title: "SECURE_SSL_REDIRECT loops behind this proxy",
    explanation:
      "Django redirects every request it believes is plain HTTP. When the proxy terminates TLS but Django cannot tell (no scheme header it reads, or the proxy removes it), the HTTPS request is redirected to the same HTTPS URL again: ERR_TOO_MANY_REDIRECTS for every page.",
    fix: {
      django:
        "SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https')  # and keep SECURE_SSL_REDIRECT = True",
      nginx: "proxy_set_header X-Forwarded-Proto $scheme;",
      caddy: "Let reverse_proxy set X-Forwarded-Proto (no header_up -X-Forwarded-Proto).",
      haproxy: "http-request set-header X-Forwarded-Proto https if { ssl_fc }",
      apache: "RequestHeader set X-Forwarded-Proto expr=%{REQUEST_SCHEME}",
    },
  },
  (input) => {
    const routes = allRoutes(input);
    return redirectingBranches(input.settings).flatMap((redirect) =>
      schemeReaders(input.settings, input.gunicorn, input.appServers).flatMap((reader): RuleFinding[] =>
        routesLosingScheme(reader, routes).map(({ route, why }) =>
          appServerUnknown(reader)
            ? finding(
                "warn",
                `${redirect.label}, but whether HTTPS requests through ${route.label} look like https to Django cannot be told (${why}; ${reader.who}): if not, ${route.pages ?? "every page"} redirects to itself.`,
                input.settings.locate("SECURE_SSL_REDIRECT"),
              )
            : finding(
                "fail",
                `${redirect.label}, but HTTPS requests through ${route.label} look like plain HTTP to Django (${why}; ${reader.who}): ${route.pages ?? "every page"} redirects to itself${reader.kind === "headers" ? reader.suffix : ""}.`,
                input.settings.locate("SECURE_SSL_REDIRECT"),
              ),
        ),
      ),
    );
  },
);
