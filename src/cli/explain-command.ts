import { Command } from "commander";
import { CLAUSE_IDS, clause, isClauseId } from "../clauses.js";
import { UsageError } from "./common.js";

export function explainText(id: string): string {
  if (!isClauseId(id)) throw new UsageError(`unknown clause '${id}'; clauses: ${CLAUSE_IDS.join(", ")}`);
  const c = clause(id);
  const fixes = Object.entries(c.fix).map(([target, text]) => `  ${target}:\n${text.replace(/^/gm, "    ")}`);
  return `${c.id}: ${c.title}\n\n${c.contract}\n\nWhy it matters: ${c.why}\n\nHow to fix it:\n${fixes.join("\n")}\n`;
}

export function explainCommand(): Command {
  return new Command("explain")
    .description("what a clause means, why it matters, and how each proxy fixes it")
    .argument("<clause>", `one of: ${CLAUSE_IDS.join(", ")}`)
    .action((id: string) => {
      process.stdout.write(explainText(id));
    });
}
