/**
 * How the scheme crosses from the proxy to Django on a route: whether each way the app learns it (a
 * SchemeReader) hears "https" from what the proxy sets, and so whether Django surely sends HSTS there.
 */
import type { SourceLocation } from "../../report/model.js";
import type { AppServerConfig } from "../appserver/model.js";
import { classifyHost, hostOfAddress, peerSurelyUntrusted } from "../gunicorn/addresses.js";
import { GUNICORN_DEFAULTS } from "../gunicorn/defaults.js";
import type { GunicornConfig } from "../gunicorn/model.js";
import type { DjangoSettings } from "../python/settings-model.js";
import { candidates, hasSecurityMiddleware, hstsSeconds } from "../python/settings-queries.js";
import { headerTitleCase, schemeReadersByBranch, type SchemeReader } from "./app-side.js";
import type { AppRoute, HeaderFate } from "./proxy-view.js";

/** "file:line", for messages. */
export function where(at: SourceLocation): string {
  return `${at.file}:${at.line}`;
}

/** A value the proxy writes says https when it is the scheme, the literal, or an expression we cannot evaluate;
 * a client's copy only when the proxy writes its own in its absence (the client can still spoof, another rule's concern). */
function carriesHttps(fate: HeaderFate, secureValue: string): boolean {
  if (fate.kind === "client") return fate.fallbackScheme === secureValue;
  if (fate.kind !== "proxy") return false;
  if (fate.scheme) return fate.scheme === secureValue;
  return /[${%]/.test(fate.value) || fate.value === secureValue;
}

/** No app server config was given: whether the app server learns https from the proxy cannot be told. */
export function appServerUnknown(reader: SchemeReader): boolean {
  return reader.kind === "nobody" && !reader.certain;
}

/** The addresses the route's proxy dials that the reader's app server surely does not trust: it ignores their headers. */
export function untrustedUpstreams(reader: SchemeReader, route: AppRoute): string[] {
  const trusted = reader.kind === "headers" ? reader.trusted : undefined;
  return trusted
    ? (route.upstreams ?? []).filter((upstream) => peerSurelyUntrusted(upstream, trusted.peers))
    : [];
}

/**
 * Why a reader does not learn "https" from the proxy on an HTTPS route; undefined when it does (or cannot be
 * told). For appServerUnknown readers, why it cannot be told, or that no header says https at all.
 */
export function schemeLost(reader: SchemeReader, route: AppRoute): string | undefined {
  if (reader.kind === "unknown") return undefined;
  if (route.schemeFromConnection) return schemeOverridden(reader, route);
  if (appServerUnknown(reader)) return unknownAppServer(route);
  if (reader.kind === "nobody") return "no header carries the scheme";
  const ignored = untrustedUpstreams(reader, route);
  if (ignored.length > 0) {
    const from =
      classifyHost(hostOfAddress(ignored[0]!)) === "loopback" ? "loopback" : "an address of its own";
    return `the proxy dials ${ignored.join(", ")}, so ${reader.trusted!.server} sees it connect from ${from}, not a peer it trusts, and ignores ${reader.headers.map((h) => h.name).join(" / ")}`;
  }
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
 * With no app server config, only the headers gunicorn and uvicorn read by default can be weighed: whether
 * the app server believes them from this proxy depends on its trusted peers (127.0.0.1 by default).
 */
function unknownAppServer(route: AppRoute): string {
  const defaults = Object.entries(GUNICORN_DEFAULTS.secureSchemeHeaders).map(([name, secureValue]) => ({
    name: headerTitleCase(name),
    secureValue,
  }));
  const said = defaults.flatMap(({ name, secureValue }) => {
    const fate = route.header(name, "tls");
    return carriesHttps(fate, secureValue) ? [`${name} (${where(fate.at)})`] : [];
  });
  if (said.length === 0) {
    return `no header the app servers read by default (${defaults.map((h) => h.name).join(", ")}) says https`;
  }
  const remote = (route.upstreams ?? []).filter((upstream) =>
    peerSurelyUntrusted(upstream, GUNICORN_DEFAULTS.forwardedAllowIps),
  );
  const trust =
    remote.length > 0
      ? `gunicorn's and uvicorn's default, 127.0.0.1 only, leaves out a proxy dialling ${remote.join(", ")}; $FORWARDED_ALLOW_IPS may widen it`
      : "gunicorn's and uvicorn's default: 127.0.0.1 only, or $FORWARDED_ALLOW_IPS";
  return `the proxy sets ${said.join(" and ")}, but which app server runs, and whether it trusts the proxy's address (${trust}), is unknown without its config`;
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
