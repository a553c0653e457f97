import { finding, settingsRule } from "./shared.js";
import { hstsSeconds } from "../../python/settings-queries.js";
import type { AuditInput } from "../../rule.js";
import { proxyViews } from "../../contract/views.js";

/** The audited proxy adds Strict-Transport-Security on every HTTPS route to the app (its strength is its own rule's). */
function proxySendsHsts(input: AuditInput): boolean {
  const routes = proxyViews(input)
    .flatMap((view) => view.routes)
    .filter((route) => route.traffic.includes("tls"));
  return routes.length > 0 && routes.every((route) => route.sendsHsts);
}

export const hstsMissing = settingsRule(
  {
    id: "django-hsts-missing",
    clause: "hsts",
    severity: "medium",
    title: "HSTS is not enabled",
    explanation:
      "SECURE_HSTS_SECONDS = 0 means Django never sends Strict-Transport-Security, so every first visit can be downgraded to plain HTTP, unless the proxy adds the header. Audited with a proxy config that adds it on every HTTPS route to the app, this is not reported.",
    fix: {
      django: "SECURE_HSTS_SECONDS = 31536000",
      nginx: 'add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;',
    },
    djangoCheck: "security.W004",
  },
  (settings, input) => {
    // Asked once, and only when some branch leaves HSTS off: building the proxy's views has a cost.
    let proxySends: boolean | undefined;
    return (
      hstsSeconds(settings)
        .filter((h) => h.seconds <= 0)
        // Sent by the proxy, the header needs nothing from Django; a truthy string, though, still sends
        // Django's own max-age=0 beside it, and browsers heed the first.
        .filter((h) => h.sentAs !== undefined || !(proxySends ??= proxySendsHsts(input)))
        .map((h) =>
          finding(
            settings,
            "SECURE_HSTS_SECONDS",
            "warn",
            h.sentAs === undefined
              ? `${h.label}: Django sends no Strict-Transport-Security header${h.suffix}.`
              : `${h.label}: the string is truthy, so Django sends Strict-Transport-Security: max-age=${h.sentAs}, which tells browsers to forget HSTS for the site${h.suffix}.`,
          ),
        )
    );
  },
);
