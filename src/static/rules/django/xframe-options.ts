import { finding, settingsRule } from "./shared.js";
import { candidates, judgedOn, middleware } from "../../python/settings-queries.js";

export const xframeOptions = settingsRule(
  {
    id: "django-xframe-options",
    clause: "hygiene",
    severity: "low",
    title: "X_FRAME_OPTIONS is not DENY",
    explanation:
      "With XFrameOptionsMiddleware installed, X_FRAME_OPTIONS decides whether other pages may frame yours. Django's deploy check expects DENY unless the site really frames itself.",
    fix: { django: "X_FRAME_OPTIONS = 'DENY'" },
    djangoCheck: "security.W019",
  },
  (settings) => {
    const installed = middleware(settings).some((m) =>
      m.names.includes("django.middleware.clickjacking.XFrameOptionsMiddleware"),
    );
    if (!installed) return [];
    return candidates(settings, "X_FRAME_OPTIONS").flatMap((c) =>
      c.value.kind === "str" && c.value.value.toUpperCase() !== "DENY"
        ? [
            finding(
              settings,
              "X_FRAME_OPTIONS",
              "warn",
              `${c.label}: pages may be framed by the same origin${judgedOn(c)}.`,
            ),
          ]
        : [],
    );
  },
);
