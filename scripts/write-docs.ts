/** Writes docs/clauses.md from the clause catalogue, so the doc never drifts from the code. */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CLAUSES } from "../src/clauses.js";

export function clauseDocs(): string {
  const parts = [
    "# The trust contract",
    "",
    "Generated from `src/clauses.ts` by `npm run docs`; do not edit by hand. Each clause id is stable public API.",
    "",
    "| id | clause |",
    "|---|---|",
    ...[...CLAUSES.values()].map((c) => `| \`${c.id}\` | ${c.contract} |`),
  ];
  for (const c of CLAUSES.values()) {
    parts.push(
      "",
      `## \`${c.id}\`: ${c.title}`,
      "",
      c.contract,
      "",
      `**Why it matters.** ${c.why}`,
      "",
      "**Fix.**",
      "",
    );
    for (const [target, fix] of Object.entries(c.fix))
      parts.push(`- ${target}:`, "", "  ```", ...fix.split("\n").map((l) => `  ${l}`), "  ```");
  }
  return `${parts.join("\n")}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(new URL("../docs/clauses.md", import.meta.url), clauseDocs());
}
