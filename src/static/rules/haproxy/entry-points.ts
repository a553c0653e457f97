/** Frontend-level checks: X-Forwarded-Proto set at all, HTTPS redirect, Host filtering, HSTS. */
import type { AuditInput, RuleFinding, StaticRule, StaticRuleMeta } from "../../rule.js";
import type { HaproxyConfig, HaproxySection } from "../../haproxy/model.js";
import {
  backendsOf,
  bindsOf,
  conditionTests,
  headerActions,
  httpEntryPoints,
  redirectsPlainToHttps,
} from "../../haproxy/queries.js";
import { djangoSendsHsts } from "../caddy/django-side.js";

/** A rule that looks at each HTTP frontend that proxies, with its backends. */
function entryPointRule(
  meta: StaticRuleMeta,
  judge: (
    config: HaproxyConfig,
    entry: HaproxySection,
    backends: HaproxySection[],
    input: AuditInput,
  ) => Omit<RuleFinding, "location"> | undefined,
): StaticRule {
  return {
    meta,
    check(input: AuditInput): RuleFinding[] {
      const config = input.haproxy;
      if (!config) return [];
      return httpEntryPoints(config).flatMap((entry) => {
        const verdict = judge(config, entry, backendsOf(config, entry), input);
        return verdict ? [{ ...verdict, location: { file: entry.file, line: entry.line } }] : [];
      });
    },
  };
}

const label = (entry: HaproxySection) => `${entry.kind} ${entry.name ?? ""}`.trim();

export const haproxySchemeNotSet = entryPointRule(
  {
    id: "haproxy-x-forwarded-proto-not-set",
    clause: "scheme",
    severity: "high",
    title: "TLS frontend never tells the app the request was https",
    explanation:
      "HAProxy terminates TLS here and talks plain HTTP to the app. Unless it sets X-Forwarded-Proto, Django sees every request as http: SECURE_SSL_REDIRECT loops, secure cookies and HSTS misbehave, and the CSRF Origin check fails.",
    fix: {
      haproxy:
        "http-request set-header X-Forwarded-Proto https if { ssl_fc }\nhttp-request set-header X-Forwarded-Proto http if !{ ssl_fc }",
      django: "SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https')",
    },
  },
  (_config, entry, backends) => {
    if (!bindsOf(entry).some((b) => b.ssl)) return undefined;
    const sets = headerActions([entry, ...backends], "http-request", ["X-Forwarded-Proto"]).some(
      (a) => a.action !== "del-header",
    );
    if (sets) return undefined;
    return { status: "fail", message: `${label(entry)} terminates TLS but never sets X-Forwarded-Proto` };
  },
);

export const haproxyNoHttpsRedirect = entryPointRule(
  {
    id: "haproxy-no-https-redirect",
    clause: "https-redirect",
    severity: "high",
    title: "Plain-HTTP frontend proxies without redirecting to HTTPS",
    explanation:
      "The frontend binds a port without ssl and sends requests straight to the app. Unless Django redirects (SECURE_SSL_REDIRECT, which needs X-Forwarded-Proto to avoid a loop), users stay on plain HTTP.",
    fix: { haproxy: "http-request redirect scheme https code 301 unless { ssl_fc }" },
  },
  (config, entry) => {
    const plain = bindsOf(entry).filter((b) => !b.ssl);
    if (plain.length === 0 || redirectsPlainToHttps(entry)) return undefined;
    const tlsSomewhere = config.sections.some((s) => bindsOf(s).some((b) => b.ssl));
    return {
      status: tlsSomewhere ? "fail" : "warn",
      message: tlsSomewhere
        ? `${label(entry)} serves plain HTTP on ${plain.map((b) => b.address).join(", ")} without redirecting to https`
        : `${label(entry)} serves plain HTTP on ${plain.map((b) => b.address).join(", ")} without redirecting; fine only if TLS ends in front of HAProxy and redirects there`,
    };
  },
);

/** Criteria that look at the Host header (or the authority in HTTP/2). */
function testsHost(criterion: string[]): boolean {
  return criterion.some((word) => /^(req\.)?hdr(_[a-z]+)?\((host|:authority)\b/i.test(word));
}

const REJECTING_ACTIONS = ["deny", "reject", "tarpit", "silent-drop", "return", "redirect"];

export const haproxyNoHostCheck = entryPointRule(
  {
    id: "haproxy-no-host-check",
    clause: "host-header",
    severity: "medium",
    title: "Frontend sends any Host to the app",
    explanation:
      "Nothing in the frontend looks at the Host header: a request for any host name reaches Django, where ALLOWED_HOSTS is the only defence against host header poisoning.",
    fix: {
      haproxy: "http-request deny deny_status 421 unless { req.hdr(host),field(1,:) -i app.example.com }",
    },
  },
  (_config, entry) => {
    const rejects = entry.directives.some(
      (d) =>
        d.keyword === "http-request" &&
        REJECTING_ACTIONS.includes(d.args[0] ?? "") &&
        conditionTests(entry, d.condition, testsHost),
    );
    const routesByHost = entry.directives.some(
      (d) => d.keyword === "use_backend" && conditionTests(entry, d.condition, testsHost),
    );
    const hasFallback =
      entry.directives.some((d) => d.keyword === "default_backend") || entry.kind === "listen";
    if (rejects || (routesByHost && !hasFallback)) return undefined;
    return {
      status: "warn",
      message: routesByHost
        ? `${label(entry)} routes by Host but sends unknown hosts to its default_backend`
        : `${label(entry)} has no rule that rejects unknown Host headers`,
    };
  },
);

export const haproxyHstsMissing = entryPointRule(
  {
    id: "haproxy-hsts-missing",
    clause: "hsts",
    severity: "low",
    title: "TLS frontend sends no Strict-Transport-Security",
    explanation:
      "HAProxy adds no HSTS header by itself. Unless Django sends it (SECURE_HSTS_SECONDS, which needs Django to know the request is https), browsers never learn to skip plain HTTP.",
    fix: {
      haproxy:
        'http-response set-header Strict-Transport-Security "max-age=31536000; includeSubDomains" if { ssl_fc }',
    },
  },
  (_config, entry, backends, input) => {
    if (!bindsOf(entry).some((b) => b.ssl) || djangoSendsHsts(input)) return undefined;
    const sent = headerActions([entry, ...backends], "http-response", ["Strict-Transport-Security"]).some(
      (a) => a.action !== "del-header",
    );
    if (sent) return undefined;
    return {
      status: "warn",
      message: `${label(entry)} terminates TLS and sets no Strict-Transport-Security (fine only if Django sends it)`,
    };
  },
);
