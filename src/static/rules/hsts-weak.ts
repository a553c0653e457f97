/** What the proxies' weak-HSTS rules share: their metadata and the finding for one configured value. */
import type { FixTarget } from "../../clauses.js";
import { hstsValueWeakness } from "../../parsers/hsts.js";
import type { SourceLocation } from "../../report/model.js";
import type { RuleFinding, StaticRuleMeta } from "../rule.js";

/** `more`: what the proxy's rule also judges, appended to the shared explanation. */
export function hstsWeakMeta(id: string, fix: Partial<Record<FixTarget, string>>, more = ""): StaticRuleMeta {
  return {
    id,
    clause: "hsts",
    severity: "medium",
    title: "HSTS is sent with a short max-age or without includeSubDomains",
    explanation: `A max-age under six months (15768000 s, where Mozilla's Observatory fails too), or a value browsers cannot parse, lets the browser forget HSTS between visits: a failure. Under a year, or without includeSubDomains (a sibling host on plain HTTP can still set cookies for the parent domain): a warning.${more && ` ${more}`}`,
    fix,
  };
}

/** The finding for a Strict-Transport-Security value the proxy sends, or none when it protects well. */
export function weakHstsFindings(value: string, at: SourceLocation): RuleFinding[] {
  const weak = hstsValueWeakness(value);
  if (!weak) return [];
  return [
    {
      status: weak.status,
      message: `Strict-Transport-Security "${value}": ${weak.problems.join("; ")}.`,
      location: { file: at.file, line: at.line },
    },
  ];
}
