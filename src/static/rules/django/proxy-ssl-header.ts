import type { RuleFinding } from "../../rule.js";
import type { PossibleValue } from "../../python/settings-model.js";
import { finding, settingsRule, undecided } from "./shared.js";
import { candidates, isUndecidable, judgedOn } from "../../python/settings-queries.js";

const NAME = "SECURE_PROXY_SSL_HEADER";

function shapeProblems(value: PossibleValue): { status: "fail" | "warn"; problem: string }[] {
  if (value.kind === "none" || value.kind === "unknown") return [];
  if ((value.kind !== "tuple" && value.kind !== "list") || value.items.length !== 2) {
    return [
      {
        status: "fail",
        problem: "must be a 2-tuple (header, value); Django raises ImproperlyConfigured on anything else",
      },
    ];
  }
  const [header, expected] = value.items;
  if (header?.kind !== "str" || expected?.kind !== "str") {
    return header?.kind === "str" ||
      expected?.kind === "str" ||
      header?.kind === "env" ||
      expected?.kind === "env"
      ? []
      : [{ status: "fail", problem: "both items must be strings" }];
  }
  const problems: { status: "fail" | "warn"; problem: string }[] = [];
  const name = header.value;
  if (!name.startsWith("HTTP_")) {
    problems.push({
      status: "fail",
      problem: `'${name}' is looked up in request.META, where request headers are named HTTP_<NAME>; it never matches, so every request looks like plain HTTP (write 'HTTP_${name.toUpperCase().replace(/-/g, "_")}')`,
    });
  } else if (name !== name.toUpperCase() || name.includes("-")) {
    problems.push({
      status: "fail",
      problem: `'${name}' must be upper-case with underscores, as request.META spells it ('${name.toUpperCase().replace(/-/g, "_")}')`,
    });
  }
  const secure = expected.value;
  if (secure !== secure.trim() || secure === "") {
    problems.push({
      status: "fail",
      problem: `the value '${secure}' has surrounding whitespace or is empty, so it never matches`,
    });
  } else if (/SSL$/.test(name.toUpperCase()) && secure.toLowerCase() !== "on") {
    problems.push({ status: "warn", problem: `${name} is usually 'on', not '${secure}'` });
  } else if (secure !== secure.toLowerCase()) {
    problems.push({
      status: "warn",
      problem: `the comparison is case-sensitive and proxies send '${secure.toLowerCase()}' (nginx $scheme, Caddy, HAProxy), not '${secure}'`,
    });
  }
  return problems;
}

export const proxySslHeader = settingsRule(
  {
    id: "django-proxy-ssl-header-shape",
    clause: "scheme",
    severity: "high",
    title: "SECURE_PROXY_SSL_HEADER is malformed",
    explanation:
      "Django compares request.META[header] with the value exactly. A header without the HTTP_ prefix, with dashes or lower case, or a value in the wrong case never matches: HTTPS requests look like HTTP, SECURE_SSL_REDIRECT loops and secure cookies break.",
    fix: { django: "SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https')" },
  },
  (settings) =>
    candidates(settings, NAME).flatMap((c): RuleFinding[] => {
      if (isUndecidable(c)) {
        return [
          undecided(settings, NAME, c, "whether Django trusts the proxy's scheme header cannot be checked"),
        ];
      }
      return shapeProblems(c.value).map(({ status, problem }) =>
        finding(settings, NAME, status, `${c.label}: ${problem}${judgedOn(c)}.`),
      );
    }),
);
