import { finding, settingsRule, undecided } from "./shared.js";
import { candidates, isTruthy, isUndecidable, judgedOn } from "../../python/settings-queries.js";

export const debug = settingsRule(
  {
    id: "django-debug",
    clause: "hygiene",
    severity: "high",
    title: "DEBUG is on",
    explanation:
      "With DEBUG = True every error page shows settings, SQL and stack traces to anyone, and ALLOWED_HOSTS is relaxed for localhost. It must be False in production.",
    fix: { django: "DEBUG = False  # or env.bool('DJANGO_DEBUG', default=False)" },
    djangoCheck: "security.W018",
  },
  (settings) =>
    candidates(settings, "DEBUG").flatMap((c) => {
      if (isUndecidable(c))
        return [undecided(settings, "DEBUG", c, "if it is True in production, error pages leak settings")];
      if (isTruthy(c) !== true) return [];
      return [
        finding(
          settings,
          "DEBUG",
          "fail",
          `${c.label}: debug pages expose settings and stack traces${judgedOn(c)}.`,
        ),
      ];
    }),
);
