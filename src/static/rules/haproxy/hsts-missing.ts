import { bindsOf, headerActions, withDefaultsRules } from "../../haproxy/queries.js";
import { haproxyEntryRoutes } from "../../contract/haproxy-view.js";
import { entryLabel, entryPointRule } from "./entry-point-rule.js";
import { djangoSendsHsts } from "../../contract/scheme.js";

export const haproxyHstsMissing = entryPointRule(
  {
    id: "haproxy-hsts-missing",
    clause: "hsts",
    severity: "low",
    title: "TLS frontend sends no Strict-Transport-Security",
    explanation:
      "HAProxy adds no HSTS header by itself. Unless Django sends it (SECURE_HSTS_SECONDS, which needs Django to know the request is https), browsers never learn to skip plain HTTP. Audited with the settings, a frontend through whose every backend Django surely sends it (SECURE_HSTS_SECONDS > 0, SecurityMiddleware, and an X-Forwarded-Proto HAProxy sets on TLS read by SECURE_PROXY_SSL_HEADER) is not reported.",
    fix: {
      haproxy:
        'http-response set-header Strict-Transport-Security "max-age=31536000; includeSubDomains" if { ssl_fc }',
    },
  },
  (config, entry, backends, input) => {
    if (!bindsOf(entry).some((b) => b.ssl)) return undefined;
    const sections = [entry, ...backends].flatMap((s) => withDefaultsRules(config, s));
    const sent = headerActions(sections, "http-response", ["Strict-Transport-Security"]).some(
      (a) => a.action !== "del-header",
    );
    if (sent) return undefined;
    // Django answers for the frontend only when it surely sends HSTS through each backend.
    const routes = haproxyEntryRoutes(config, entry);
    if (routes.length > 0 && routes.every(djangoSendsHsts(input))) return undefined;
    return {
      status: "warn",
      message: `${entryLabel(entry)} terminates TLS and sets no Strict-Transport-Security (fine only if Django sends it)`,
    };
  },
);
