import type { RuleFinding } from "../../rule.js";
import type { DjangoSettings } from "../../python/settings-model.js";
import { finding, settingsRule } from "./shared.js";
import { candidates, hstsSeconds, isTruthy, judgedOn } from "../../python/settings-queries.js";
import { publicSuffixOf } from "../../../parsers/domains.js";

const NAME = "CSRF_TRUSTED_ORIGINS";
const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/i;

/**
 * How the site is served, as the settings say: "https-only" when Django redirects plain HTTP or sends
 * HSTS (a plain-HTTP origin then is never the site's own), "https" when only its cookies are Secure.
 */
function servedOverHttps(settings: DjangoSettings): "https-only" | "https" | undefined {
  const on = (name: string) => candidates(settings, name).some((c) => isTruthy(c) === true);
  if (on("SECURE_SSL_REDIRECT") || hstsSeconds(settings).some((h) => h.seconds > 0)) return "https-only";
  return on("SESSION_COOKIE_SECURE") || on("CSRF_COOKIE_SECURE") ? "https" : undefined;
}

function originProblem(
  origin: string,
  https: ReturnType<typeof servedOverHttps>,
): { status: "fail" | "warn"; problem: string } | undefined {
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)(.*)$/i.exec(origin);
  if (!match) {
    return {
      status: "fail",
      problem: `'${origin}' has no scheme; since Django 4.0 entries must be full origins like 'https://${origin.replace(/^\*?\.?/, "")}' (4_0.E001)`,
    };
  }
  const [, scheme, host, rest] = match as unknown as [string, string, string, string];
  if (rest !== "") {
    return {
      status: "fail",
      problem: `'${origin}' has a path or trailing slash; the Origin header never does, so it never matches`,
    };
  }
  if (host === "*" || host === "") {
    return {
      status: "fail",
      problem: `'${origin}' names no host: Django strips the '*' and an empty domain matches nothing, and trusting every origin would switch CSRF protection off`,
    };
  }
  if (host.startsWith("*.")) {
    const suffix = host.slice(2).replace(/:\d+$/, "").toLowerCase();
    if (publicSuffixOf(suffix) === suffix) {
      return { status: "fail", problem: `'${origin}' trusts every site under the public suffix ${suffix}` };
    }
  }
  if (scheme.toLowerCase() === "http" && https && !LOOPBACK.test(host)) {
    if (https === "https-only") {
      return {
        status: "fail",
        problem: `'${origin}' trusts a plain-HTTP origin on an HTTPS-only site (SECURE_SSL_REDIRECT or HSTS): the site never serves it, and a network attacker who answers for it can post with the user's cookies`,
      };
    }
    return {
      status: "warn",
      problem: `'${origin}' trusts a plain-HTTP origin on an HTTPS site: a network attacker can post from it`,
    };
  }
  return undefined;
}

export const csrfTrustedOrigins = settingsRule(
  {
    id: "django-csrf-trusted-origins",
    clause: "csrf-origin",
    severity: "medium",
    title: "CSRF_TRUSTED_ORIGINS entries are malformed or too broad",
    explanation:
      "Django compares each entry with the browser's Origin header (scheme://host[:port]). Entries without a scheme are refused since Django 4.0, entries with a path never match (real users see 'CSRF verification failed'), and wildcards over a public suffix or plain-HTTP origins trust sites you do not control: an http:// origin on a site that redirects to HTTPS or sends HSTS is a failure (origins are exact, schemes included, and the site never serves that one), on a site that only marks its cookies Secure a warning.",
    fix: { django: "CSRF_TRUSTED_ORIGINS = ['https://app.example.com']" },
    djangoCheck: "4_0.E001",
  },
  (settings) => {
    const https = servedOverHttps(settings);
    return candidates(settings, NAME).flatMap((c): RuleFinding[] => {
      if (c.value.kind === "str") {
        return [
          finding(
            settings,
            NAME,
            "fail",
            `${c.label}: a string, not a list; Django iterates it character by character${judgedOn(c)}.`,
          ),
        ];
      }
      const items = c.value.kind === "list" || c.value.kind === "tuple" ? c.value.items : [];
      return items.flatMap((item) => {
        if (item.kind === "str" && item.value === "") {
          return [
            finding(
              settings,
              NAME,
              "warn",
              `${c.label}: '' is not an origin (usually an empty environment variable split on commas)${judgedOn(c)}.`,
            ),
          ];
        }
        const found = item.kind === "str" ? originProblem(item.value, https) : undefined;
        return found
          ? [finding(settings, NAME, found.status, `${c.label}: ${found.problem}${judgedOn(c)}.`)]
          : [];
      });
    });
  },
);
