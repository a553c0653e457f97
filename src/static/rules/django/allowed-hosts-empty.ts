import type { DjangoSettings } from "../../python/settings-model.js";
import { finding, settingsRule } from "./shared.js";
import { candidates, judgedOn } from "../../python/settings-queries.js";

const NAME = "ALLOWED_HOSTS";

function debugCertainlyOff(settings: DjangoSettings): boolean {
  return candidates(settings, "DEBUG").every((c) => c.value.kind === "bool" && !c.value.value);
}

export const allowedHostsEmpty = settingsRule(
  {
    id: "django-allowed-hosts-empty",
    clause: "host-header",
    severity: "medium",
    title: "ALLOWED_HOSTS is empty",
    explanation:
      "With DEBUG off and an empty ALLOWED_HOSTS, Django answers every request with 400 Bad Request. The deploy check flags it because the usual quick fix is '*'.",
    fix: { django: "ALLOWED_HOSTS = ['app.example.com']" },
    djangoCheck: "security.W020",
  },
  (settings) =>
    candidates(settings, NAME).flatMap((c) => {
      const empty = (c.value.kind === "list" || c.value.kind === "tuple") && c.value.items.length === 0;
      if (!empty || !debugCertainlyOff(settings)) return [];
      return [
        finding(
          settings,
          NAME,
          "warn",
          `${c.label}: every request gets 400 Bad Request while DEBUG is off${judgedOn(c)}.`,
        ),
      ];
    }),
);
