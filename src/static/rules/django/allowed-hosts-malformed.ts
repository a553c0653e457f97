import type { RuleFinding } from "../../rule.js";
import { finding, settingsRule } from "./shared.js";
import { candidates, judgedOn, hostEntries } from "../../python/settings-queries.js";

const NAME = "ALLOWED_HOSTS";

/** Django matches "*", ".domain" (domain and subdomains) or an exact host, with the port removed. */
function entryProblem(entry: string): string | undefined {
  if (/\{\{.*\}\}/.test(entry)) return undefined; // an unrendered template placeholder: nothing to judge yet
  if (entry === "") return "'' matches no host (usually an empty environment variable split on commas)";
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry))
    return `'${entry}' has a scheme; entries are bare host names, so it never matches`;
  if (entry.includes("/")) return `'${entry}' has a path; entries are bare host names, so it never matches`;
  if (/^[^[]*:\d+$/.test(entry) || /\]:\d+$/.test(entry)) {
    return `'${entry}' has a port; Django strips the port from the Host before matching, so it never matches`;
  }
  if (entry.startsWith("*."))
    return `'${entry}' is not a wildcard in Django; write '${entry.slice(1)}' to match subdomains`;
  if (entry !== "*" && entry.includes("*"))
    return `'${entry}': Django has no partial wildcards, so it never matches`;
  if (/\s/.test(entry)) return `'${entry}' contains whitespace, so it never matches`;
  return undefined;
}

export const allowedHostsMalformed = settingsRule(
  {
    id: "django-allowed-hosts-malformed",
    clause: "host-header",
    severity: "medium",
    title: "ALLOWED_HOSTS entries that never match",
    explanation:
      "Django compares ALLOWED_HOSTS entries with the Host header minus its port: an entry with a scheme, port or path, a '*.example.com' glob or an empty string matches nothing, and a plain string is iterated character by character. Real users then get 400 Bad Request, and the usual 'fix' is '*'.",
    fix: { django: "ALLOWED_HOSTS = ['app.example.com', '.example.org']  # a list of bare host names" },
  },
  (settings) =>
    candidates(settings, NAME).flatMap((c): RuleFinding[] => {
      if (c.value.kind === "str" && c.value.value !== "*") {
        return [
          finding(
            settings,
            NAME,
            "fail",
            `${c.label}: a string, not a list; Django iterates it one character at a time, so no real host matches${judgedOn(c)}.`,
          ),
        ];
      }
      const problems = hostEntries(c)
        .hosts.map(entryProblem)
        .filter((p): p is string => p !== undefined);
      return problems.map((p) => finding(settings, NAME, "fail", `${c.label}: ${p}${judgedOn(c)}.`));
    }),
);
