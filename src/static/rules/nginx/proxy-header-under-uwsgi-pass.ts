/** proxy_set_header does nothing for uwsgi_pass (nor fastcgi_pass, scgi_pass): the header the author meant to set is the client's. */
import type { RuleFinding, StaticRule } from "../../rule.js";
import { inheritedList } from "../../nginx/scope.js";
import { appRoutes, finding, oncePerLocation } from "./shared.js";
import { describeRoute } from "../../nginx/app-routes.js";

export const nginxProxyHeaderUnderUwsgiPass: StaticRule = {
  meta: {
    id: "nginx-proxy-header-under-uwsgi-pass",
    clause: "spoofed-proto",
    severity: "medium",
    title: "proxy_set_header in a location that passes with uwsgi_pass has no effect",
    explanation:
      "proxy_set_header only applies to proxy_pass. With uwsgi_pass (or fastcgi_pass, scgi_pass) nginx sends every client header as an HTTP_* variable and the module's own *_param lines instead, so a `proxy_set_header X-Forwarded-Proto $scheme;` there is silently ignored and the app receives the client's X-Forwarded-Proto, Host or X-Forwarded-For instead.",
    fix: {
      nginx:
        "uwsgi_param HTTP_X_FORWARDED_PROTO $scheme;  # one uwsgi_param HTTP_<NAME> per header; include uwsgi_params for HTTPS, REMOTE_ADDR",
      uwsgi: "or serve HTTP (http-socket) and use proxy_pass, where proxy_set_header applies",
    },
  },
  check(input): RuleFinding[] {
    if (!input.nginx) return [];
    return oncePerLocation(
      appRoutes(input).flatMap((route) => {
        if (route.pass.module === "proxy") return [];
        return inheritedList(route.scope, "proxy_set_header").map((directive) =>
          finding(
            "warn",
            `proxy_set_header ${directive.args.join(" ")} does nothing in ${describeRoute(route)} (${route.pass.module}_pass): use ${route.pass.module}_param HTTP_${(directive.args[0] ?? "").toUpperCase().replace(/-/g, "_")} instead.`,
            directive,
          ),
        );
      }),
    );
  },
};
