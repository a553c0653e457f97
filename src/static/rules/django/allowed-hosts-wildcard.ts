import type { RuleFinding } from "../../rule.js";
import { publicSuffixOf } from "../../../parsers/domains.js";
import { finding, settingsRule, undecided } from "./shared.js";
import { candidates, isUndecidable, judgedOn, hostEntries } from "../../python/settings-queries.js";

const NAME = "ALLOWED_HOSTS";

function publicSuffixWildcard(entry: string): boolean {
  if (!entry.startsWith(".")) return false;
  const host = entry.slice(1);
  return publicSuffixOf(host) === host.toLowerCase();
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
      const entries = hostEntries(c);
      const onDefault =
        entries.fromDefault && !c.env
          ? " (judged on an entry's default: what runs when its variable is unset)"
          : judgedOn(c);
      if (entries.hosts.includes("*")) {
        return [finding(settings, NAME, "fail", `${c.label}: '*' accepts any Host header${onDefault}.`)];
      }
      if (entries.unread)
        return [
          finding(
            settings,
            NAME,
            "error",
            `${NAME} could not be read statically (an entry: ${entries.unread}); if it is '*', any Host is accepted`,
          ),
        ];
      return entries.hosts
        .filter(publicSuffixWildcard)
        .map((e) =>
          finding(
            settings,
            NAME,
            "fail",
            `${c.label}: '${e}' matches every site under the public suffix ${e.slice(1)}${onDefault}.`,
          ),
        );
    }),
);
