/** What every contract rule shares: it needs settings and a proxy, and asks how the scheme crosses over. */
import type { SourceLocation } from "../../../report/model.js";
import type { GunicornConfig } from "../../gunicorn/model.js";
import type { AppServerConfig } from "../../appserver/model.js";
import type { DjangoSettings } from "../../python/settings-model.js";
import type { RuleFinding, StaticRule, StaticRuleMeta } from "../../rule.js";
import { candidates, hasSecurityMiddleware, hstsSeconds } from "../django/shared.js";
import { schemeReadersByBranch, type SchemeReader } from "./app-side.js";
import {
  proxyViews,
  trafficLabel,
  underscoreSpelling,
  type AppRoute,
  type HeaderFate,
  type ProxyView,
  type Traffic,
} from "./proxy-view.js";

export interface ContractInput {
  settings: DjangoSettings;
  views: ProxyView[];
  gunicorn?: GunicornConfig;
  appServers: AppServerConfig[];
}

/** A rule over both sides: nothing unless the settings and at least one proxy config were read. */
export function contractRule(
  meta: StaticRuleMeta,
  check: (input: ContractInput) => RuleFinding[],
): StaticRule {
  return {
    meta,
    check(input) {
      if (!input.settings) return [];
      const views = proxyViews(input);
      if (views.length === 0) return [];
      const seen = new Set<string>();
      const findings = check({
        settings: input.settings,
        views,
        ...(input.gunicorn ? { gunicorn: input.gunicorn } : {}),
        appServers: input.appServers ?? [],
      });
      return findings.filter((f) => !seen.has(f.message) && seen.add(f.message));
    },
  };
}

export function finding(status: RuleFinding["status"], message: string, at: SourceLocation): RuleFinding {
  return { status, message, location: { file: at.file, line: at.line } };
}

export function allRoutes(input: ContractInput): AppRoute[] {
  return input.views.flatMap((view) => view.routes);
}

export function where(at: SourceLocation): string {
  return `${at.file}:${at.line}`;
}

export interface ClientCopy {
  route: AppRoute;
  traffic: Traffic;
  header: string;
  fate: Extract<HeaderFate, { kind: "client" }>;
  /** The copy arrives under the underscore spelling, which gunicorn before 22 and uvicorn merge in. */
  underscore: boolean;
}

/**
 * Where a client's copy of `header` reaches the app. The underscore spelling is asked about only when
 * the header itself is safe: WSGI servers that merge it put it next to the proxy's value.
 */
export function clientCopies(routes: AppRoute[], header: string, withUnderscore: boolean): ClientCopy[] {
  return routes.flatMap((route) =>
    route.traffic.flatMap((traffic): ClientCopy[] => {
      const fate = route.header(header, traffic);
      if (fate.kind === "client") return [{ route, traffic, header, fate, underscore: false }];
      const spelled = underscoreSpelling(header);
      const merged = withUnderscore && spelled !== header ? route.header(spelled, traffic) : undefined;
      return merged?.kind === "client"
        ? [{ route, traffic, header: spelled, fate: merged, underscore: true }]
        : [];
    }),
  );
}

/**
 * A client copy on plain HTTP claims https, under the underscore spelling too (gunicorn before 22 and
 * uvicorn put it ahead of the proxy's value, and Django reads the first); on HTTPS it can only claim
 * http, and an onlyWhen copy depends on the peer.
 */
export function copyStatus(copy: ClientCopy): RuleFinding["status"] {
  return copy.traffic === "plain" && !copy.fate.onlyWhen ? "fail" : "warn";
}

/** The fate's `how` names the branches and peers it holds for. */
export function describeCopy(copy: ClientCopy): string {
  const merge = copy.underscore
    ? ` (gunicorn before 22 and uvicorn merge ${copy.header} into ${copy.header.replace(/_/g, "-")}, the client's copy first)`
    : "";
  return `${copy.header} is ${copy.fate.how} on ${trafficLabel(copy.traffic)} through ${copy.route.label}${merge}`;
}

/** A value the proxy writes says https when it is the scheme, the literal, or an expression we cannot evaluate;
 * a client's copy only when the proxy writes its own in its absence (the client can still spoof, another rule's concern). */
function carriesHttps(fate: HeaderFate, secureValue: string): boolean {
  if (fate.kind === "client") return fate.fallbackScheme === secureValue;
  if (fate.kind !== "proxy") return false;
  if (fate.scheme) return fate.scheme === secureValue;
  return /[${%]/.test(fate.value) || fate.value === secureValue;
}

/** Why a reader does not learn "https" from the proxy on an HTTPS route; undefined when it does (or cannot be told). */
export function schemeLost(reader: SchemeReader, route: AppRoute): string | undefined {
  if (reader.kind === "unknown") return undefined;
  if (route.schemeFromConnection) return schemeOverridden(reader, route);
  if (reader.kind === "nobody") return "no header carries the scheme";
  // uWSGI also learns https from the HTTPS variable: only its absence leaves the header to decide.
  if (reader.otherwise && route.sendsSchemeVariable !== false) return undefined;
  const noVariable = reader.otherwise ? `no ${reader.otherwise} is sent, and ` : "";
  const needed = reader.needs ? route.header(reader.needs, "tls") : undefined;
  if (reader.needs && needed?.kind !== "proxy") {
    return `the proxy does not set ${reader.needs} (${where(needed!.at)}), without which the app server ignores ${reader.headers.map((h) => h.name).join(" / ")}`;
  }
  const fates = reader.headers.map((header) => ({ header, fate: route.header(header.name, "tls") }));
  if (fates.some(({ header, fate }) => carriesHttps(fate, header.secureValue))) return undefined;
  const lost = fates.map(({ header, fate }) => {
    if (fate.kind === "removed") return `${header.name} is removed (${where(fate.at)})`;
    if (fate.kind === "client") return `${header.name} is only the client's (${fate.how}, ${where(fate.at)})`;
    return `${header.name} is set to "${fate.value}", not "${header.secureValue}" (${where(fate.at)})`;
  });
  // Without the header (an honest client sends none), Django takes wsgi.url_scheme from the app server.
  const absent = fates.every(({ fate }) => fate.kind !== "proxy");
  // Through uwsgi_pass the HTTPS variable sets wsgi.url_scheme, whoever reads the uwsgi protocol.
  if (absent && reader.django && route.sendsSchemeVariable === true) return undefined;
  if (absent && reader.whenAbsent) {
    const fallbacks = reader.whenAbsent.map((fallback) => ({ fallback, why: schemeLost(fallback, route) }));
    if (fallbacks.some(({ fallback, why }) => fallback.kind === "headers" && why === undefined))
      return undefined;
    const servers = fallbacks.map(({ fallback, why }) => `${fallback.who}: ${why ?? "cannot be told"}`);
    lost.push(`and the app server does not say https either (${servers.join("; ")})`);
  }
  return noVariable + lost.join("; ");
}

/**
 * Under mod_wsgi Django knows https from the connection; only a header it reads (SECURE_PROXY_SSL_HEADER)
 * that Apache itself sets to another value hides it. A client's copy, or none, leaves the connection's
 * scheme in place (spoofing it is scheme-header-from-client's concern).
 */
function schemeOverridden(reader: SchemeReader, route: AppRoute): string | undefined {
  if (reader.kind !== "headers" || !reader.django) return undefined;
  const lost = reader.headers.flatMap(({ name, secureValue }) => {
    const fate = route.header(name, "tls");
    return fate.kind === "proxy" && !carriesHttps(fate, secureValue)
      ? [`${name} is set to "${fate.value}", not "${secureValue}" (${where(fate.at)})`]
      : [];
  });
  return lost.length > 0 ? lost.join("; ") : undefined;
}

/** HTTPS routes on which the reader never learns the request was https. */
export function routesLosingScheme(
  reader: SchemeReader,
  routes: AppRoute[],
): { route: AppRoute; why: string }[] {
  return routes
    .filter((route) => route.traffic.includes("tls"))
    .flatMap((route) => {
      const why = schemeLost(reader, route);
      return why ? [{ route, why }] : [];
    });
}

/**
 * Whether Django surely adds Strict-Transport-Security to HTTPS responses through a route, whatever branch of
 * the settings runs: SecurityMiddleware sends it when SECURE_HSTS_SECONDS is positive and request.is_secure(),
 * which holds when every way the scheme is decided learns https there. A value that cannot be read, a
 * MIDDLEWARE list not known to hold SecurityMiddleware, or no settings at all count as not sending.
 */
export function djangoSendsHsts(input: {
  settings?: DjangoSettings;
  gunicorn?: GunicornConfig;
  appServers?: AppServerConfig[];
}): (route: AppRoute) => boolean {
  const { settings } = input;
  if (!settings) return () => false;
  const hsts = hstsSeconds(settings);
  const branches = schemeReadersByBranch(settings, input.gunicorn, input.appServers);
  const readers = branches.flat();
  const sends =
    hsts.length === candidates(settings, "SECURE_HSTS_SECONDS").length &&
    hsts.every((h) => h.seconds > 0) &&
    hasSecurityMiddleware(settings) &&
    branches.every((branch) => branch.length > 0) &&
    readers.every((reader) => reader.kind !== "unknown");
  return (route) => sends && readers.every((reader) => schemeLost(reader, route) === undefined);
}
