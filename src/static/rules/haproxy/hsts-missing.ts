import { bindsOf, headerActions, withDefaultsRules } from "../../haproxy/queries.js";
import { djangoSendsHsts } from "../caddy/django-side.js";
import { entryLabel, entryPointRule } from "./entry-point-rule.js";

export const haproxyHstsMissing = entryPointRule(
  {
    id: "haproxy-hsts-missing",
    clause: "hsts",
    severity: "low",
    title: "TLS frontend sends no Strict-Transport-Security",
    explanation:
      "HAProxy adds no HSTS header by itself. Unless Django sends it (SECURE_HSTS_SECONDS, which needs Django to know the request is https), browsers never learn to skip plain HTTP.",
    fix: {
      haproxy:
        'http-response set-header Strict-Transport-Security "max-age=31536000; includeSubDomains" if { ssl_fc }',
    },
  },
  (config, entry, backends, input) => {
    if (!bindsOf(entry).some((b) => b.ssl) || djangoSendsHsts(input)) return undefined;
    const sections = [entry, ...backends].flatMap((s) => withDefaultsRules(config, s));
    const sent = headerActions(sections, "http-response", ["Strict-Transport-Security"]).some(
      (a) => a.action !== "del-header",
    );
    if (sent) return undefined;
    return {
      status: "warn",
      message: `${entryLabel(entry)} terminates TLS and sets no Strict-Transport-Security (fine only if Django sends it)`,
    };
  },
);
