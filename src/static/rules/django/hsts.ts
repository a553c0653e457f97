import type { RuleFinding } from "../../rule.js";
import { booleanRule, candidates, finding, judgedOn, settingsRule } from "./shared.js";
import type { DjangoSettings } from "../../python/settings-model.js";

const ONE_YEAR = 31_536_000;

function hstsSeconds(settings: DjangoSettings): { seconds: number; label: string; suffix: string }[] {
  return candidates(settings, "SECURE_HSTS_SECONDS").flatMap((c) => {
    const seconds =
      c.value.kind === "int" || c.value.kind === "float"
        ? c.value.value
        : c.value.kind === "none"
          ? 0
          : undefined;
    return seconds === undefined ? [] : [{ seconds, label: c.label, suffix: judgedOn(c) }];
  });
}

function duration(seconds: number): string {
  return seconds >= 86400 ? `${Math.round(seconds / 86400)} days` : `${seconds} seconds`;
}

/** Only judge HSTS details when some path actually sends HSTS. */
function hstsOn(settings: DjangoSettings): boolean {
  return hstsSeconds(settings).some((h) => h.seconds > 0);
}

export const hstsMissing = settingsRule(
  {
    id: "django-hsts-missing",
    clause: "hsts",
    severity: "medium",
    title: "HSTS is not enabled",
    explanation:
      "SECURE_HSTS_SECONDS = 0 means Django never sends Strict-Transport-Security, so every first visit can be downgraded to plain HTTP, unless the proxy adds the header.",
    fix: {
      django: "SECURE_HSTS_SECONDS = 31536000",
      nginx: 'add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;',
    },
    djangoCheck: "security.W004",
  },
  (settings) =>
    hstsSeconds(settings)
      .filter((h) => h.seconds <= 0)
      .map((h) =>
        finding(
          settings,
          "SECURE_HSTS_SECONDS",
          "warn",
          `${h.label}: Django sends no Strict-Transport-Security header${h.suffix}.`,
        ),
      ),
);

export const hstsShort = settingsRule(
  {
    id: "django-hsts-short",
    clause: "hsts",
    severity: "low",
    title: "HSTS max-age is shorter than a year",
    explanation:
      "A max-age under a year lets the browser forget the HTTPS-only rule between visits, and is below what HSTS preload lists require.",
    fix: { django: "SECURE_HSTS_SECONDS = 31536000" },
  },
  (settings) =>
    hstsSeconds(settings)
      .filter((h) => h.seconds > 0 && h.seconds < ONE_YEAR)
      .map((h) =>
        finding(
          settings,
          "SECURE_HSTS_SECONDS",
          "warn",
          `${h.label}: ${duration(h.seconds)}, less than a year (31536000)${h.suffix}.`,
        ),
      ),
);

function whenHsts(rule: ReturnType<typeof booleanRule>): ReturnType<typeof booleanRule> {
  return {
    meta: rule.meta,
    check: (input): RuleFinding[] => (input.settings && hstsOn(input.settings) ? rule.check(input) : []),
  };
}

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
