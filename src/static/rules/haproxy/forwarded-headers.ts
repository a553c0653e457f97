/**
 * HAProxy passes request headers through untouched. `add-header` appends a second copy after the
 * client's, and gunicorn joins duplicates with a comma while Django reads the leftmost value: only
 * `set-header` or `del-header` on every request path removes what the client sent.
 */
import type { ClauseId } from "../../../clauses.js";
import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";
import type { HaproxyDirective, HaproxySection } from "../../haproxy/model.js";
import {
  backendsOf,
  bindsOf,
  headerActions,
  httpEntryPoints,
  optionOf,
  redirectsPlainToHttps,
  trafficScope,
} from "../../haproxy/queries.js";

interface Survival {
  /** The add-header or conditional set-header that leaves the client's copy in place, if any. */
  culprit?: HaproxyDirective;
}

/** Replays the frontend's then the backend's header actions; returns how the client's copy survives, if it does. */
function clientCopySurvives(
  entry: HaproxySection,
  backend: HaproxySection,
  names: string[],
): Survival | undefined {
  const sections = backend === entry ? [entry] : [entry, backend];
  const removed = { tls: false, plain: false };
  let culprit: HaproxyDirective | undefined;
  for (const { section, directive, action } of headerActions(sections, "http-request", names)) {
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

function forwardedHeaderRule(spec: HeaderRuleSpec): StaticRule {
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

export const haproxyClientProto = forwardedHeaderRule({
  id: "haproxy-client-x-forwarded-proto",
  clause: "spoofed-proto",
  header: "X-Forwarded-Proto",
  title: "Client X-Forwarded-Proto reaches the app",
  harm: "a plain-HTTP request can claim https (gunicorn trusts it from 127.0.0.1 by default, and so does SECURE_PROXY_SSL_HEADER)",
  fix: "http-request set-header X-Forwarded-Proto https if { ssl_fc }\nhttp-request set-header X-Forwarded-Proto http if !{ ssl_fc }",
  reportUntouched: true,
});

export const haproxyClientForwardedHost = forwardedHeaderRule({
  id: "haproxy-client-x-forwarded-host",
  clause: "forwarded-host",
  header: "X-Forwarded-Host",
  title: "Client X-Forwarded-Host reaches the app",
  harm: "with USE_X_FORWARDED_HOST the client picks request.get_host()",
  fix: "http-request set-header X-Forwarded-Host %[req.hdr(host)]",
  reportUntouched: false,
});

export const haproxyClientRealIp = forwardedHeaderRule({
  id: "haproxy-client-x-real-ip",
  clause: "client-ip",
  header: "X-Real-IP",
  title: "Client X-Real-IP reaches the app",
  harm: "the client chooses the address the app logs and rate-limits by",
  fix: "http-request set-header X-Real-IP %[src]",
  reportUntouched: false,
});

export const haproxyForwardforKeepsClient: StaticRule = {
  meta: {
    id: "haproxy-forwardfor-keeps-client",
    clause: "client-ip",
    severity: "medium",
    title: "option forwardfor keeps the client's X-Forwarded-For first",
    explanation:
      "`option forwardfor` appends the peer address as a new X-Forwarded-For header after any the client sent, so the leftmost entry (what most Django code reads) is the client's choice. With `if-none` HAProxy adds nothing at all when the client sent one.",
    fix: { haproxy: "http-request del-header X-Forwarded-For\noption forwardfor" },
  },
  check(input: AuditInput): RuleFinding[] {
    const config = input.haproxy;
    if (!config) return [];
    return httpEntryPoints(config).flatMap((entry): RuleFinding[] => {
      const option = optionOf(config, entry, "forwardfor");
      if (!option) return [];
      const stillThere = backendsOf(config, entry).some((b) =>
        clientCopySurvives(entry, b, ["X-Forwarded-For"]),
      );
      if (!stillThere) return [];
      const ifNone = option.args.includes("if-none");
      return [
        {
          status: ifNone ? "fail" : "warn",
          message: ifNone
            ? `option forwardfor if-none keeps a client-sent X-Forwarded-For as it is (frontend ${entry.name ?? ""})`
            : `option forwardfor appends after the client's X-Forwarded-For; nothing deletes it first (frontend ${entry.name ?? ""})`,
          location: { file: option.file, line: option.line },
        },
      ];
    });
  },
};
