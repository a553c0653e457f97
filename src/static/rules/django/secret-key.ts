import type { PossibleValue, SecretShape } from "../../python/settings-model.js";
import type { RuleFinding } from "../../rule.js";
import { finding, settingsRule } from "./shared.js";
import { type Candidate, candidates, judgedOn } from "../../python/settings-queries.js";

const MIN_LENGTH = 50;
const MIN_UNIQUE = 5;

/** The key's shape: from its text, or from the length and counts audit --python reports instead of it. */
function shapeOf(value: PossibleValue): SecretShape | undefined {
  if (value.kind === "unknown") return value.secret;
  if (value.kind !== "str") return undefined;
  const key = value.value;
  return {
    length: key.length,
    distinct: new Set(key).size,
    developmentPrefix: key.startsWith("django-insecure-"),
  };
}

function weakness(c: Candidate): string | undefined {
  if (c.value.kind === "none")
    return "no key at all: Django refuses to start, or something generates one per process";
  const shape = shapeOf(c.value);
  if (!shape) return undefined;
  if (shape.developmentPrefix) return "the key startproject generated for development";
  if (shape.length < MIN_LENGTH || shape.distinct < MIN_UNIQUE) {
    return `${shape.length} characters, ${shape.distinct} distinct: shorter or simpler than Django's minimum (${MIN_LENGTH} characters, ${MIN_UNIQUE} distinct)`;
  }
  return undefined;
}

export const secretKey = settingsRule(
  {
    id: "django-secret-key",
    clause: "hygiene",
    severity: "high",
    title: "SECRET_KEY is weak or committed",
    explanation:
      "SECRET_KEY signs sessions, password-reset tokens and signed cookies. A short, guessable or published key lets anyone forge them.",
    fix: { django: "SECRET_KEY = os.environ['DJANGO_SECRET_KEY']  # 50+ random characters, never committed" },
    djangoCheck: "security.W009",
  },
  (settings) =>
    candidates(settings, "SECRET_KEY").flatMap((c): RuleFinding[] => {
      const weak = weakness(c);
      if (weak) return [finding(settings, "SECRET_KEY", "fail", `${c.label}: ${weak}${judgedOn(c)}.`)];
      if (c.value.kind === "str" && !c.env) {
        return [
          finding(
            settings,
            "SECRET_KEY",
            "warn",
            "SECRET_KEY is written in the settings file: anyone with the repository can forge sessions; read it from the environment.",
          ),
        ];
      }
      return [];
    }),
);
