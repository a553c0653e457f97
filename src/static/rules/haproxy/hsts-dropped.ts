/** A Strict-Transport-Security header (Django's, or one set earlier) deleted on the way out of a TLS frontend. */
import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";
import type { HaproxyConfig, HaproxyDirective, HaproxySection } from "../../haproxy/model.js";
import {
  backendsOf,
  bindsOf,
  conditionOutcome,
  headerActions,
  httpEntryPoints,
  responseSections,
  type HeaderAction,
} from "../../haproxy/queries.js";

const HSTS = "Strict-Transport-Security";

/** The response's header actions in HAProxy's order: http-response, then http-after-response, each in responseSections' order. */
function responseActions(
  config: HaproxyConfig,
  entry: HaproxySection,
  backend: HaproxySection,
): HeaderAction[] {
  const actions = headerActions(responseSections(config, entry, backend), "http-response", [HSTS]);
  return [
    ...actions.filter((a) => a.directive.keyword === "http-response"),
    ...actions.filter((a) => a.directive.keyword === "http-after-response"),
  ];
}

/** The del-header that leaves TLS responses without HSTS: nothing after it sets the header on every one. */
function lastDrop(actions: HeaderAction[]): HeaderAction | undefined {
  let drop: HeaderAction | undefined;
  for (const action of actions) {
    const applies = conditionOutcome(action.section, action.directive.condition, "tls").kind;
    if (applies === "never") continue;
    if (action.action === "del-header") drop = action;
    else if (applies === "always") drop = undefined;
  }
  return drop;
}

export const haproxyHstsDropped: StaticRule = {
  meta: {
    id: "haproxy-hsts-dropped",
    clause: "hsts",
    severity: "medium",
    title: "http-response del-header drops the Strict-Transport-Security header",
    explanation:
      "HAProxy runs http-response rules on what the app sends back. `http-response del-header Strict-Transport-Security` (or http-after-response) removes the HSTS header Django sets with SECURE_HSTS_SECONDS, so browsers never learn to skip plain HTTP, whatever the settings say.",
    fix: {
      haproxy:
        'Remove `http-response del-header Strict-Transport-Security`, or set the header yourself after it:\nhttp-response set-header Strict-Transport-Security "max-age=31536000; includeSubDomains" if { ssl_fc }',
    },
  },
  check(input: AuditInput): RuleFinding[] {
    const config = input.haproxy;
    if (!config) return [];
    const drops = new Set<HaproxyDirective>();
    const findings: RuleFinding[] = [];
    for (const entry of httpEntryPoints(config)) {
      if (!bindsOf(entry).some((b) => b.ssl)) continue;
      for (const backend of backendsOf(config, entry)) {
        const drop = lastDrop(responseActions(config, entry, backend));
        if (!drop || drops.has(drop.directive)) continue;
        drops.add(drop.directive);
        const { section, directive } = drop;
        findings.push({
          status: "fail",
          message: `${directive.keyword} del-header ${HSTS} in ${section.kind} ${section.name ?? ""} removes the Strict-Transport-Security header from TLS responses of ${entry.kind} ${entry.name ?? ""}, and nothing sets it again after: the HSTS Django sends never reaches the browser.`,
          location: { file: directive.file, line: directive.line },
        });
      }
    }
    return findings;
  },
};
