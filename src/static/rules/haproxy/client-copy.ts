/**
 * HAProxy passes request headers through untouched. `add-header` appends a second copy after the
 * client's, and gunicorn joins duplicates with a comma while Django reads the leftmost value: only
 * `set-header` or `del-header` on every request path removes what the client sent. Whether the client's
 * copy survives, and the rule shape for headers that must not let it.
 */
import type { ClauseId } from "../../../clauses.js";
import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";
import type { HaproxyDirective, HaproxySection } from "../../haproxy/model.js";
import {
  backendsOf,
  bindsOf,
  headerActions,
  httpEntryPoints,
  redirectsPlainToHttps,
  requestSections,
  trafficScope,
} from "../../haproxy/queries.js";

interface Survival {
  /** The add-header or conditional set-header that leaves the client's copy in place, if any. */
  culprit?: HaproxyDirective;
}

/** Replays the frontend's then the backend's header actions; returns how the client's copy survives, if it does. */
export function clientCopySurvives(
  entry: HaproxySection,
  backend: HaproxySection,
  names: string[],
): Survival | undefined {
  const removed = { tls: false, plain: false };
  let culprit: HaproxyDirective | undefined;
  for (const { section, directive, action } of headerActions(
    requestSections(entry, backend),
    "http-request",
    names,
  )) {
    const scope = trafficScope(section, directive.condition);
    if (action === "add-header") {
      culprit ??= directive;
      continue;
    }
    if (scope === "all" || scope === "tls") removed.tls = true;
    if (scope === "all" || scope === "plain") removed.plain = true;
    if (scope !== "all") culprit = directive;
  }
  const binds = bindsOf(entry);
  const tlsTraffic = binds.some((b) => b.ssl);
  const plainTraffic = binds.some((b) => !b.ssl) && !redirectsPlainToHttps(entry);
  const survives = (tlsTraffic && !removed.tls) || (plainTraffic && !removed.plain);
  if (!survives) return undefined;
  return culprit ? { culprit } : {};
}

interface HeaderRuleSpec {
  id: string;
  clause: ClauseId;
  header: string;
  title: string;
  harm: string;
  fix: string;
  /** Report a header the config never touches: only where the app server trusts it without asking Django. */
  reportUntouched: boolean;
}

function describe(spec: HeaderRuleSpec, culprit: HaproxyDirective | undefined): string {
  if (!culprit) return `${spec.header} from the client reaches the backend untouched: ${spec.harm}`;
  if (culprit.args[0] === "add-header") {
    return `http-request add-header ${spec.header} appends after the client's copy, and Django reads the leftmost value: ${spec.harm}`;
  }
  return `http-request ${culprit.args[0]} ${spec.header} only applies to some requests; the others keep the client's value: ${spec.harm}`;
}

export function forwardedHeaderRule(spec: HeaderRuleSpec): StaticRule {
  return {
    meta: {
      id: spec.id,
      clause: spec.clause,
      severity: "high",
      title: spec.title,
      explanation: `HAProxy forwards request headers as the client sent them. ${spec.header} is only trustworthy if every request path replaces it with set-header (or removes it with del-header); add-header appends after the client's copy, and a set-header limited to { ssl_fc } leaves plain-HTTP requests alone.`,
      fix: { haproxy: spec.fix },
    },
    check(input: AuditInput): RuleFinding[] {
      const config = input.haproxy;
      if (!config) return [];
      return httpEntryPoints(config).flatMap((entry): RuleFinding[] => {
        for (const backend of backendsOf(config, entry)) {
          const survival = clientCopySurvives(entry, backend, [spec.header]);
          if (!survival || (!survival.culprit && !spec.reportUntouched)) continue;
          const at = survival.culprit ?? entry;
          return [
            {
              status: "fail",
              message: describe(spec, survival.culprit),
              location: { file: at.file, line: at.line },
            },
          ];
        }
        return [];
      });
    },
  };
}
