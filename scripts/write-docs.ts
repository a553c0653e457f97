/** Writes docs/clauses.md and docs/rules.md from the catalogues in the code, so the docs never drift. */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { APP_SERVER_CLAUSES, APP_SERVER_TRUST, appServerTrustFields } from "../src/app-server-trust.js";
import { CLAUSES } from "../src/clauses.js";
import { ALL_RULES } from "../src/static/rules/index.js";

const GENERATED = "Generated from the code by `npm run docs`; do not edit by hand.";

function fixList(fix: Record<string, string | undefined>): string[] {
  return Object.entries(fix).flatMap(([target, text]) => [
    `- ${target}:`,
    "",
    "  ```",
    ...(text ?? "").split("\n").map((l) => `  ${l}`),
    "  ```",
  ]);
}

export function clauseDocs(): string {
  const parts = [
    "# The trust contract",
    "",
    `${GENERATED} Each clause id is stable public API.`,
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
    parts.push(...fixList(c.fix));
  }
  parts.push(
    "",
    "## App servers",
    "",
    `What each app server believes, and from whom; it decides ${APP_SERVER_CLAUSES.map((id) => `\`${id}\``).join(", ")} together with Django's settings and the proxy. \`proxytrust explain SERVER\` prints the same.`,
  );
  for (const trust of APP_SERVER_TRUST)
    parts.push(
      "",
      `### ${trust.server}: ${trust.version}`,
      "",
      ...appServerTrustFields(trust).map(
        ([label, text]) => `- **${label[0]?.toUpperCase()}${label.slice(1)}:** ${text}`,
      ),
    );
  return `${parts.join("\n")}\n`;
}

export function ruleDocs(): string {
  const rules = [...ALL_RULES].sort((a, b) => a.meta.id.localeCompare(b.meta.id));
  const parts = [
    "# Static rules (`proxytrust audit`)",
    "",
    `${GENERATED} Rule ids are stable public API; \`proxytrust explain RULE\` prints the same text.`,
    "",
    "| rule | clause | severity | Django check | title |",
    "|---|---|---|---|---|",
    ...rules.map(
      ({ meta }) =>
        `| \`${meta.id}\` | \`${meta.clause}\` | ${meta.severity} | ${meta.djangoCheck ?? ""} | ${meta.title} |`,
    ),
  ];
  for (const { meta } of rules) {
    parts.push(
      "",
      `## \`${meta.id}\``,
      "",
      `${meta.title} (clause \`${meta.clause}\`, ${meta.severity})`,
      "",
      meta.explanation,
      "",
    );
    parts.push(...fixList(meta.fix));
  }
  return `${parts.join("\n")}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(new URL("../docs/clauses.md", import.meta.url), clauseDocs());
  writeFileSync(new URL("../docs/rules.md", import.meta.url), ruleDocs());
}
