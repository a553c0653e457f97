import { parse } from "tldts";
import type { RuleFinding } from "../../rule.js";
import type { DjangoSettings } from "../../python/settings-model.js";
import {
  type Candidate,
  candidates,
  finding,
  isUndecidable,
  judgedOn,
  settingsRule,
  undecided,
} from "./shared.js";

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

function publicSuffixWildcard(entry: string): boolean {
  if (!entry.startsWith(".")) return false;
  const host = entry.slice(1);
  const parsed = parse(host, { allowPrivateDomains: true });
  return parsed.publicSuffix === host.toLowerCase();
}

function listOf(c: Candidate): string[] | undefined {
  if (c.value.kind !== "list" && c.value.kind !== "tuple") return undefined;
  return c.value.items.flatMap((i) => (i.kind === "str" ? [i.value] : []));
}

export const allowedHostsWildcard = settingsRule(
  {
    id: "django-allowed-hosts-wildcard",
    clause: "host-header",
    severity: "high",
    title: "ALLOWED_HOSTS accepts any host",
    explanation:
      "'*' (or a '.suffix' shared with strangers, like .herokuapp.com) makes Django accept any Host header, so password-reset links and absolute URLs can be pointed at an attacker's domain (host header poisoning) whenever the proxy forwards unknown hosts.",
    fix: {
      django: "ALLOWED_HOSTS = ['app.example.com']",
      nginx:
        "server { listen 443 ssl default_server; ssl_reject_handshake on; }  # and name the app's server_name",
    },
  },
  (settings) =>
    candidates(settings, NAME).flatMap((c): RuleFinding[] => {
      if (isUndecidable(c)) return [undecided(settings, NAME, c, "if it contains '*', any Host is accepted")];
      if (c.value.kind === "str" && c.value.value === "*") {
        return [
          finding(
            settings,
            NAME,
            "fail",
            `${c.label}: a string '*' is iterated as ['*'], so any host is accepted${judgedOn(c)}.`,
          ),
        ];
      }
      const entries = listOf(c) ?? [];
      if (entries.includes("*")) {
        return [finding(settings, NAME, "fail", `${c.label}: '*' accepts any Host header${judgedOn(c)}.`)];
      }
      return entries
        .filter(publicSuffixWildcard)
        .map((e) =>
          finding(
            settings,
            NAME,
            "fail",
            `${c.label}: '${e}' matches every site under the public suffix ${e.slice(1)}${judgedOn(c)}.`,
          ),
        );
    }),
);

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
      const problems = (listOf(c) ?? []).map(entryProblem).filter((p): p is string => p !== undefined);
      return problems.map((p) => finding(settings, NAME, "fail", `${c.label}: ${p}${judgedOn(c)}.`));
    }),
);

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
