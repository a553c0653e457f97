import { ONE_YEAR_SECONDS } from "../../../parsers/hsts.js";
import { finding, hstsSeconds, settingsRule } from "./shared.js";

function duration(seconds: number): string {
  return seconds >= 86400 ? `${Math.round(seconds / 86400)} days` : `${seconds} seconds`;
}

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
      .filter((h) => h.seconds > 0 && h.seconds < ONE_YEAR_SECONDS)
      .map((h) =>
        finding(
          settings,
          "SECURE_HSTS_SECONDS",
          "warn",
          `${h.label}: ${duration(h.seconds)}, less than a year (${ONE_YEAR_SECONDS})${h.suffix}.`,
        ),
      ),
);
