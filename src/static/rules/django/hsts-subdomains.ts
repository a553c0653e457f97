import { booleanRule } from "./shared.js";
import { whenHsts } from "./when-hsts.js";

export const hstsSubdomains = whenHsts(
  booleanRule(
    {
      id: "django-hsts-subdomains",
      clause: "hsts",
      severity: "low",
      title: "HSTS does not cover subdomains",
      explanation:
        "Without includeSubDomains an attacker can use a plain-HTTP subdomain to set cookies for the parent domain or phish users.",
      fix: { django: "SECURE_HSTS_INCLUDE_SUBDOMAINS = True" },
      djangoCheck: "security.W005",
    },
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    true,
    "warn",
    "Strict-Transport-Security is sent without includeSubDomains",
  ),
);
