/**
 * HAProxy passes request headers through untouched. `add-header` appends a second copy after the
 * client's, and gunicorn joins duplicates with a comma while Django reads the leftmost value: only
 * `set-header` or `del-header` on every request path removes what the client sent. Whether the client's
 * copy survives, and the rule shape for headers that must not let it.
 */
import type { ClauseId } from "../../../clauses.js";
import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";
import type { HaproxyConfig, HaproxyDirective, HaproxySection } from "../../haproxy/model.js";
import {
  backendsOf,
  bindsOf,
  conditionOutcome,
  copiesClientHeader,
  headerActions,
  httpEntryPoints,
  redirectsPlainToHttps,
  requestSections,
} from "../../haproxy/queries.js";

interface Survival {
  /** The add-header or conditional set-header that leaves the client's copy in place, if any. */
  culprit?: HaproxyDirective;
  /** Set when the copy survives only for some peers (`del-header ... unless { src 10.0.0.0/8 }`): who. */
  onlyPeers?: string;
}

/** Whose copy of the header is left on one kind of traffic: everyone's, some peers' only, or nobody's. */
type Left = { kind: "everyone" } | { kind: "removed" } | { kind: "peers"; words: string };

/** Replays the frontend's then the backend's header actions; returns how the client's copy survives, if it does. */
export function clientCopySurvives(
  config: HaproxyConfig,
  entry: HaproxySection,
  backend: HaproxySection,
  names: string[],
): Survival | undefined {
  let culprit: HaproxyDirective | undefined;
  const leftOn = (traffic: "tls" | "plain"): Left => {
    let left: Left = { kind: "everyone" };
    for (const { section, directive, action } of headerActions(
      requestSections(config, entry, backend),
      "http-request",
      names,
    )) {
      // Appended beside the client's copy: the client's stays first.
      if (action === "add-header") {
        culprit ??= directive;
        continue;
      }
      if (action === "set-header" && copiesClientHeader(directive.args[2] ?? "")) {
        // Whatever came before, the header now holds what the client wrote.
        culprit = directive;
        left = { kind: "everyone" };
        continue;
      }
      const applies = conditionOutcome(section, directive.condition, traffic);
      if (applies.kind === "never") {
        // Limited to the other kind of traffic (`if { ssl_fc }`): this one keeps the client's copy.
        culprit ??= directive;
        continue;
      }
      if (applies.kind === "always") {
        left = { kind: "removed" };
        continue;
      }
      culprit = directive;
      const kept = conditionOutcome(section, directive.condition, traffic, true);
      if (left.kind === "everyone" && kept.kind === "peer") left = { kind: "peers", words: kept.words };
    }
    return left;
  };
  const binds = bindsOf(entry);
  const traffic = [
    ...(binds.some((b) => b.ssl) ? (["tls"] as const) : []),
    ...(binds.some((b) => !b.ssl) && !redirectsPlainToHttps(config, entry) ? (["plain"] as const) : []),
  ];
  const left = traffic.map(leftOn).filter((l) => l.kind !== "removed");
  if (left.length === 0) return undefined;
  const peers = left.every((l) => l.kind === "peers") ? left.map((l) => l.words) : undefined;
  return {
    ...(culprit ? { culprit } : {}),
    ...(peers ? { onlyPeers: [...new Set(peers)].join("; ") } : {}),
  };
}

interface HeaderRuleSpec {
  id: string;
  clause: ClauseId;
  header: string;
  title: string;
  harm: string;
  fix: string;
  /**
   * The verdict on a header the config never touches: fail where the app server or Django trusts it,
   * warn where only some apps read it, ignore where nothing downstream does unless told to.
   */
  untouched: "fail" | "warn" | "ignore";
}

function describe(spec: HeaderRuleSpec, culprit: HaproxyDirective | undefined, onlyPeers?: string): string {
  if (onlyPeers && culprit) {
    return `http-request ${culprit.args[0]} ${spec.header} at line ${culprit.line} leaves the client's value in place only when ${onlyPeers}: those peers can choose it, so they must overwrite it themselves`;
  }
  if (!culprit) return `${spec.header} from the client reaches the backend untouched: ${spec.harm}`;
  if (culprit.args[0] === "add-header") {
    return `http-request add-header ${spec.header} appends after the client's copy, and Django reads the leftmost value: ${spec.harm}`;
  }
  if (culprit.args[0] === "set-header" && copiesClientHeader(culprit.args[2] ?? "")) {
    return `http-request set-header ${spec.header} ${culprit.args[2]} copies a header the client wrote: ${spec.harm}`;
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
      explanation: `HAProxy forwards request headers as the client sent them. ${spec.header} is only trustworthy if every request path replaces it with set-header (or removes it with del-header); add-header appends after the client's copy, a set-header limited to { ssl_fc } leaves plain-HTTP requests alone, and a set-header from %[req.hdr(...)] or %[req.fhdr(...)] copies what the client wrote.`,
      fix: { haproxy: spec.fix },
    },
    check(input: AuditInput): RuleFinding[] {
      const config = input.haproxy;
      if (!config) return [];
      return httpEntryPoints(config).flatMap((entry): RuleFinding[] => {
        for (const backend of backendsOf(config, entry)) {
          const survival = clientCopySurvives(config, entry, backend, [spec.header]);
          if (!survival || (!survival.culprit && spec.untouched === "ignore")) continue;
          const at = survival.culprit ?? entry;
          return [
            {
              status:
                survival.onlyPeers || (!survival.culprit && spec.untouched === "warn") ? "warn" : "fail",
              message: describe(spec, survival.culprit, survival.onlyPeers),
              location: { file: at.file, line: at.line },
            },
          ];
        }
        return [];
      });
    },
  };
}
