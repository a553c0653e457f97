import { Command } from "commander";
import { CLAUSE_IDS, clause, isClauseId } from "../clauses.js";
import { ALL_RULES } from "../static/rules/index.js";
import { UsageError } from "./common.js";

function fixes(fix: Record<string, string | undefined>): string {
  return Object.entries(fix)
    .map(([target, text]) => `  ${target}:\n${(text ?? "").replace(/^/gm, "    ")}`)
    .join("\n");
}

/** The catalogue's text for a clause id or a static rule id. */
export function explainText(id: string): string {
  if (isClauseId(id)) {
    const c = clause(id);
    return `${c.id}: ${c.title}\n\n${c.contract}\n\nWhy it matters: ${c.why}\n\nHow to fix it:\n${fixes(c.fix)}\n`;
  }
  const rule = ALL_RULES.find((r) => r.meta.id === id);
  if (!rule) {
    throw new UsageError(
      `unknown clause or rule '${id}'; clauses: ${CLAUSE_IDS.join(", ")}; rules: see docs/rules.md`,
    );
  }
  const { meta } = rule;
  const django = meta.djangoCheck ? `; Django's check ${meta.djangoCheck}` : "";
  return `${meta.id}: ${meta.title}\n\nClause ${meta.clause}, severity ${meta.severity}${django}.\n\n${meta.explanation}\n\nHow to fix it:\n${fixes(meta.fix)}\n`;
}

export function explainCommand(): Command {
  return new Command("explain")
    .description("what a clause or rule means, why it matters, and how each proxy fixes it")
    .argument("<id>", `a clause (${CLAUSE_IDS.join(", ")}) or a rule id from audit`)
    .action((id: string) => {
      process.stdout.write(explainText(id));
    });
}
