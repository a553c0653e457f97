import { Command } from "./commander.js";
import { APP_SERVER_CLAUSES, APP_SERVER_TRUST, appServerTrustLines } from "../app-server-trust.js";
import { APP_SERVER_KINDS, CLAUSE_IDS, clause, isClauseId } from "../clauses.js";
import { UsageError } from "./usage-error.js";

function fixes(fix: Record<string, string | undefined>): string {
  return Object.entries(fix)
    .map(([target, text]) => `  ${target}:\n${(text ?? "").replace(/^/gm, "    ")}`)
    .join("\n");
}

/**
 * The catalogue's text for a clause id or a static rule id. The rules (and the parsers they import)
 * load only when the id is not a clause, so `explain CLAUSE` starts as fast as `--version`.
 */
export async function explainText(id: string): Promise<string> {
  if (isClauseId(id)) {
    const c = clause(id);
    const servers = APP_SERVER_CLAUSES.includes(id)
      ? `\nWhat each app server believes:\n${APP_SERVER_TRUST.flatMap(appServerTrustLines)
          .map((line) => `  ${line}`)
          .join("\n")}\n`
      : "";
    return `${c.id}: ${c.title}\n\n${c.contract}\n\nWhy it matters: ${c.why}\n\nHow to fix it:\n${fixes(c.fix)}\n${servers}`;
  }
  const server = APP_SERVER_TRUST.find((trust) => trust.server === id);
  if (server)
    return `${appServerTrustLines(server).join("\n")}\n\nIt decides: ${APP_SERVER_CLAUSES.join(", ")}.\n`;
  const { ALL_RULES } = await import("../static/rules/index.js");
  const rule = ALL_RULES.find((r) => r.meta.id === id);
  if (!rule) {
    throw new UsageError(
      `unknown clause, app server or rule '${id}'; clauses: ${CLAUSE_IDS.join(", ")}; app servers: ${APP_SERVER_KINDS.join(", ")}; rules: see docs/rules.md`,
    );
  }
  const { meta } = rule;
  const django = meta.djangoCheck ? `; Django's check ${meta.djangoCheck}` : "";
  return `${meta.id}: ${meta.title}\n\nClause ${meta.clause}, severity ${meta.severity}${django}.\n\n${meta.explanation}\n\nHow to fix it:\n${fixes(meta.fix)}\n`;
}

export function explainCommand(): Command {
  return new Command("explain")
    .description(
      "what a clause or rule means, why it matters, and how each proxy fixes it; or what an app server trusts",
    )
    .argument(
      "<id>",
      `a clause (${CLAUSE_IDS.join(", ")}), an app server (${APP_SERVER_KINDS.join(", ")}) or a rule id from audit`,
    )
    .action(async (id: string) => {
      process.stdout.write(await explainText(id));
    });
}
