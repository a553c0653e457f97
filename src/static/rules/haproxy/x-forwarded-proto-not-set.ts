import { bindsOf, headerActions, withDefaultsRules } from "../../haproxy/queries.js";
import { entryLabel, entryPointRule } from "./entry-point-rule.js";

export const haproxySchemeNotSet = entryPointRule(
  {
    id: "haproxy-x-forwarded-proto-not-set",
    clause: "scheme",
    severity: "high",
    title: "TLS frontend never tells the app the request was https",
    explanation:
      "HAProxy terminates TLS here and talks plain HTTP to the app. Unless it sets X-Forwarded-Proto, Django sees every request as http: SECURE_SSL_REDIRECT loops, secure cookies and HSTS misbehave, and the CSRF Origin check fails.",
    fix: {
      haproxy:
        "http-request set-header X-Forwarded-Proto https if { ssl_fc }\nhttp-request set-header X-Forwarded-Proto http if !{ ssl_fc }",
      django: "SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https')",
    },
  },
  (config, entry, backends) => {
    if (!bindsOf(entry).some((b) => b.ssl)) return undefined;
    const sections = [entry, ...backends].flatMap((s) => withDefaultsRules(config, s));
    const sets = headerActions(sections, "http-request", ["X-Forwarded-Proto"]).some(
      (a) => a.action !== "del-header",
    );
    if (sets) return undefined;
    return {
      status: "fail",
      message: `${entryLabel(entry)} terminates TLS but never sets X-Forwarded-Proto`,
    };
  },
);
