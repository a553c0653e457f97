import { hstsStrength } from "../../../parsers/hsts.js";
import { finding, settingsRule } from "./shared.js";
import { hstsSeconds } from "../../python/settings-queries.js";

export const hstsShort = settingsRule(
  {
    id: "django-hsts-short",
    clause: "hsts",
    severity: "medium",
    title: "HSTS max-age is shorter than a year",
    explanation:
      "A max-age under six months (15768000 s, where Mozilla's Observatory fails too) lets the browser forget the HTTPS-only rule between visits: a failure. Under a year it is below what HSTS preload lists require: a warning.",
    fix: { django: "SECURE_HSTS_SECONDS = 31536000" },
  },
  (settings) =>
    hstsSeconds(settings).flatMap((h) => {
      // 0 sends no header at all: django-hsts-missing's concern; subdomains are django-hsts-subdomains'.
      if (h.seconds <= 0) return [];
      const strength = hstsStrength({ maxAge: h.seconds, includeSubDomains: true });
      if (strength.status === "pass") return [];
      return [
        finding(
          settings,
          "SECURE_HSTS_SECONDS",
          strength.status,
          `${h.label}: ${strength.problems.join("; ")}${h.suffix}.`,
        ),
      ];
    }),
);
