import { finding, settingsRule } from "./shared.js";
import { candidates, judgedOn } from "../../python/settings-queries.js";

const VALID = new Set([
  "no-referrer",
  "no-referrer-when-downgrade",
  "origin",
  "origin-when-cross-origin",
  "same-origin",
  "strict-origin",
  "strict-origin-when-cross-origin",
  "unsafe-url",
]);

export const referrerPolicy = settingsRule(
  {
    id: "django-referrer-policy",
    clause: "hygiene",
    severity: "low",
    title: "SECURE_REFERRER_POLICY is unset or invalid",
    explanation:
      "Without a Referrer-Policy full URLs, tokens in query strings included, leak to every site the page links to. An invalid value is ignored by browsers.",
    fix: { django: "SECURE_REFERRER_POLICY = 'same-origin'  # the default" },
    djangoCheck: "security.W022",
  },
  (settings) =>
    candidates(settings, "SECURE_REFERRER_POLICY").flatMap((c) => {
      if (c.value.kind === "none") {
        return [
          finding(
            settings,
            "SECURE_REFERRER_POLICY",
            "warn",
            `${c.label}: no Referrer-Policy header is sent${judgedOn(c)}.`,
          ),
        ];
      }
      const policies =
        c.value.kind === "str"
          ? c.value.value.split(",")
          : (c.value.kind === "list" || c.value.kind === "tuple" ? c.value.items : []).flatMap((i) =>
              i.kind === "str" ? [i.value] : [],
            );
      const invalid = policies.map((p) => p.trim()).filter((p) => !VALID.has(p));
      if (invalid.length === 0) return [];
      return [
        finding(
          settings,
          "SECURE_REFERRER_POLICY",
          "fail",
          `${c.label}: ${invalid.map((p) => `'${p}'`).join(", ")} is not a referrer policy; Django refuses it (security.E023)${judgedOn(c)}.`,
        ),
      ];
    }),
);
