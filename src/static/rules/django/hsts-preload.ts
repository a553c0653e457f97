import { booleanRule } from "./shared.js";
import { whenHsts } from "./when-hsts.js";

export const hstsPreload = whenHsts(
  booleanRule(
    {
      id: "django-hsts-preload",
      clause: "hsts",
      severity: "info",
      title: "HSTS preload is not requested",
      explanation:
        "Without preload the very first visit of a new browser is still unprotected. Only submit to the preload list when every subdomain serves HTTPS.",
      fix: { django: "SECURE_HSTS_PRELOAD = True  # then submit the domain at hstspreload.org" },
      djangoCheck: "security.W021",
    },
    "SECURE_HSTS_PRELOAD",
    true,
    "warn",
    "the preload directive is not sent",
  ),
);
