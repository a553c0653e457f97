/** Property tests: no input makes the evaluator throw, loop or blow up. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { evaluatePythonSource } from "../../../../src/static/python/evaluate.js";
import { settingsFromModule } from "../../../../src/static/python/load-settings.js";
import { djangoRules } from "../../../../src/static/rules/django/index.js";
import { fastestMs } from "../../fastest.js";

const FILE = "/nonexistent/proxytrust-fuzz/settings.py";

const SEEDS = [
  `import os\nALLOWED_HOSTS = os.getenv("H", "*").split(",")\n`,
  `DEBUG = os.environ.get("DEBUG", False)\nif DEBUG:\n    X = [1, 2]\nelse:\n    X = (3,)\n`,
  `env = environ.Env(DEBUG=(bool, False))\nDEBUG = env("DEBUG")\nMIDDLEWARE += ["a"]\n`,
  `try:\n    from .local import *\nexcept ImportError:\n    pass\nS = {"a": {"b": 1}}\nS["a"]["b"] = 2\n`,
  `SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")\nA, B = 1, 2\nC = [x.strip() for x in "a,b".split(",")]\n`,
  `def f(name, default):\n    return os.getenv(name, default)\nclass C:\n    X = 1\nY = f("Y", "1") if Z else not W\n`,
  `{% if cookiecutter.x %}\nX = "{{ cookiecutter.y }}"\n{% endif %}\n`,
];

const TOKENS = [
  "(",
  ")",
  "[",
  "]",
  "{",
  "}",
  ",",
  ":",
  "=",
  "+=",
  ".",
  "*",
  "**",
  "if ",
  "else",
  "elif ",
  "for ",
  " in ",
  "not ",
  "and ",
  "or ",
  "lambda",
  "import ",
  "from ",
  "\n",
  "    ",
  '"',
  "'",
  '"""',
  "\\",
  "#",
  "0x",
  "1e9",
  "os.environ",
  ".split(','",
  "env(",
  "None",
  "True",
  "\0",
  "\u00e9",
  "@",
  ":=",
  "del ",
  "raise ",
];

/** A seed with random edits: inserted tokens, deletions and duplicated slices. */
const mutated = fc
  .tuple(
    fc.constantFrom(...SEEDS),
    fc.array(
      fc.tuple(
        fc.nat(),
        fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 8 })),
        fc.constantFrom("insert", "delete", "duplicate"),
      ),
      { maxLength: 12 },
    ),
  )
  .map(([seed, edits]) =>
    edits.reduce((text, [at, token, edit]) => {
      const i = text.length === 0 ? 0 : at % text.length;
      if (edit === "insert") return text.slice(0, i) + token + text.slice(i);
      if (edit === "delete") return text.slice(0, i) + text.slice(i + token.length);
      return text.slice(0, i) + text.slice(i, i + 20) + text.slice(i);
    }, seed),
  );

const tokenSoup = fc
  .array(fc.constantFrom(...TOKENS, "X", "Y", "1", "'a'"), { maxLength: 60 })
  .map((t) => t.join(""));

function evaluateAndAudit(source: string): void {
  const settings = settingsFromModule(evaluatePythonSource(source, FILE));
  for (const rule of djangoRules) rule.check({ settings });
}

describe("evaluator robustness", () => {
  it("never throws on random or mutated Python (10,000 cases)", () => {
    fc.assert(
      fc.property(fc.oneof(mutated, tokenSoup, fc.string({ maxLength: 200 })), (source) => {
        evaluateAndAudit(source);
      }),
      { numRuns: 10_000 },
    );
  });

  it("reports deep nesting instead of overflowing the stack", () => {
    const parens = `X = ${"(".repeat(5000)}1${")".repeat(5000)}`;
    const ifs =
      Array.from({ length: 300 }, (_, depth) => `${"    ".repeat(depth)}if a:`).join("\n") +
      `\n${"    ".repeat(300)}X = 1`;
    for (const source of [parens, ifs]) {
      const module = evaluatePythonSource(source, FILE);
      assert.ok(module.diagnostics.length > 0 || module.bindings.get("X")?.values[0]?.kind === "unknown");
    }
  });

  it("takes time linear in the input", () => {
    const block = `if os.getenv("A"):\n    L = L + ["x"]\nelse:\n    L.append("y")\nS = "ab" * 3\n`;
    const time = (copies: number) => {
      const source = `import os\nL = []\n${block.repeat(copies)}`;
      return fastestMs(() => evaluatePythonSource(source, FILE));
    };
    time(100); // warm up
    const small = time(250);
    const large = time(1000);
    assert.ok(large < small * 8 + 50, `4x input took ${large.toFixed(0)} ms vs ${small.toFixed(0)} ms`);
  });
});
