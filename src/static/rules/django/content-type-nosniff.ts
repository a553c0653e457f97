import { booleanRule } from "./shared.js";

export const contentTypeNosniff = booleanRule(
  {
    id: "django-content-type-nosniff",
    clause: "hygiene",
    severity: "low",
    title: "X-Content-Type-Options: nosniff is off",
    explanation:
      "Without nosniff browsers may guess a content type and run an uploaded file as script or HTML.",
    fix: { django: "SECURE_CONTENT_TYPE_NOSNIFF = True  # the default" },
    djangoCheck: "security.W006",
  },
  "SECURE_CONTENT_TYPE_NOSNIFF",
  true,
  "warn",
  "responses are sent without X-Content-Type-Options: nosniff",
);
