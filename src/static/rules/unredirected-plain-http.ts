/**
 * How bad a proxy that passes plain HTTP to the app without redirecting is depends on what runs
 * behind it: when Django redirects (SECURE_SSL_REDIRECT with SecurityMiddleware), the proxy's missing
 * redirect only costs a round trip; only when nothing downstream redirects do users stay on HTTP.
 */
import type { DjangoSettings } from "../python/settings-model.js";
import type { AuditInput, RuleFinding } from "../rule.js";
import { schemeReadersByBranch, type SchemeReader } from "../contract/app-side.js";
import type { AppRoute } from "../contract/proxy-view.js";
import { appServerUnknown, untrustedUpstreams, where } from "../contract/scheme.js";
import { claimsHttps, SCHEME_HEADERS } from "./scheme-claims.js";
import {
  candidates,
  isTruthy,
  judgedOn,
  SECURITY_MIDDLEWARE,
  lacksSecurityMiddleware,
} from "../python/settings-queries.js";

/** A path a proxy keeps on plain HTTP on purpose: a load balancer's health check, an ACME challenge. */
export function meantForPlainHttp(path: string): boolean {
  return /(health|ping|ready|live|status|heartbeat|alive)/i.test(path) || path.startsWith("/.well-known/");
}

/** Why Django may not redirect plain HTTP: "fail" when some branch surely does not, "warn" when it cannot be told. */
export interface RedirectGap {
  status: RuleFinding["status"];
  why: string;
}

/** Why Django may not redirect plain HTTP, from the settings alone, or undefined when it always does. */
function djangoRedirectGap(settings: DjangoSettings): RedirectGap | undefined {
  const branches = candidates(settings, "SECURE_SSL_REDIRECT");
  const off = branches.find((c) => isTruthy(c) === false);
  if (off) return { status: "fail", why: `${off.label}${judgedOn(off)}` };
  const unknown = branches.find((c) => isTruthy(c) === undefined);
  if (unknown) return { status: "warn", why: `${unknown.label} cannot be read statically` };
  if (lacksSecurityMiddleware(settings))
    return {
      status: "fail",
      why: `MIDDLEWARE lacks ${SECURITY_MIDDLEWARE}, so SECURE_SSL_REDIRECT does nothing`,
    };
  return undefined;
}

type Written = { name: string; value: string; at: AppRoute["at"] };

/** A scheme header the proxy itself writes on plain HTTP through the route, with its value there. */
function writtenOnPlain(route: AppRoute, name: string): Written | undefined {
  const fate = route.header(name, "plain");
  return fate.kind === "proxy" ? { name, value: fate.scheme ?? fate.value, at: fate.at } : undefined;
}

/** The header through which the reader surely learns "https" on plain HTTP through the route. */
function httpsClaimedFor(reader: SchemeReader, route: AppRoute): Written | undefined {
  if (reader.kind !== "headers") return undefined;
  // daphne reads the scheme header only next to an X-Forwarded-For the proxy sets.
  if (reader.needs && route.header(reader.needs, "plain").kind !== "proxy") return undefined;
  // An app server that trusts none of the addresses the proxy dials from ignores what it claims.
  const upstreams = route.upstreams ?? [];
  if (upstreams.length > 0 && untrustedUpstreams(reader, route).length === upstreams.length) return undefined;
  return reader.headers
    .map((header) => ({ header, written: writtenOnPlain(route, header.name) }))
    .find(({ header, written }) => written?.value === header.secureValue)?.written;
}

/** Where the reader may take a scheme header for https though the audit cannot tell (the app server's config not given). */
function mayReadHeaders(reader: SchemeReader): boolean {
  return reader.kind === "unknown" || appServerUnknown(reader);
}

/**
 * Why Django takes plain HTTP through the routes for https, so SECURE_SSL_REDIRECT never fires: the proxy
 * sets the header that decides the scheme to its secure value itself (a literal `https` on a server that
 * also listens for plain HTTP). "fail" when on some branch of the settings every reader of the scheme surely
 * takes it so; "warn" when the proxy claims https in a scheme header and a reader that cannot be told may;
 * undefined otherwise.
 */
export function plainTakenForHttps(
  input: Pick<AuditInput, "gunicorn" | "appServers"> & { settings: DjangoSettings },
  routes: AppRoute[],
): RedirectGap | undefined {
  const branches = schemeReadersByBranch(input.settings, input.gunicorn, input.appServers);
  for (const route of routes) {
    for (const branch of branches) {
      const claims = branch.map((reader) => httpsClaimedFor(reader, route));
      const [reader] = branch;
      const [claim] = claims;
      if (reader?.kind === "headers" && claim && claims.every((c) => c !== undefined))
        return {
          status: "fail",
          why: `${claim.name} is set to "${claim.value}" (${where(claim.at)}) on plain HTTP too, and ${reader.who} takes it for https${reader.suffix}: Django sees every plain request as secure, so SECURE_SSL_REDIRECT never redirects it`,
        };
    }
  }
  const untold = branches.flat().find(mayReadHeaders);
  if (!untold) return undefined;
  for (const route of routes) {
    const claim = SCHEME_HEADERS.map((name) => writtenOnPlain(route, name)).find(
      (written) => written !== undefined && claimsHttps(written.name, written.value),
    );
    if (claim)
      return {
        status: "warn",
        why: `${claim.name} is set to "${claim.value}" (${where(claim.at)}) on plain HTTP too, which Django may take for https (${untold.who}), and then SECURE_SSL_REDIRECT never redirects it`,
      };
  }
  return undefined;
}

/**
 * The verdict on `served` ("The server on 80 accepts plain HTTP and proxies it to the app without
 * redirecting to https://"), given what the audit knows of Django.
 */
export function unredirectedVerdict(
  served: string,
  settings: DjangoSettings | undefined,
  schemeGap?: RedirectGap,
): Pick<RuleFinding, "status" | "message"> {
  if (!settings) {
    return {
      status: "warn",
      message: `${served}. Users stay on plain HTTP unless Django redirects (SECURE_SSL_REDIRECT = True): audit with --settings to decide.`,
    };
  }
  // A branch that surely does not redirect decides; else a doubt from either side.
  const gaps = [djangoRedirectGap(settings), schemeGap].filter((g): g is RedirectGap => g !== undefined);
  const gap = gaps.find((g) => g.status === "fail") ?? gaps[0];
  if (gap) {
    const outcome =
      gap.status === "fail" ? "nobody redirects plain HTTP" : "plain HTTP may stay unredirected";
    return { status: gap.status, message: `${served}, and ${gap.why}: ${outcome}.` };
  }
  return {
    status: "warn",
    message: `${served}. Django redirects it (SECURE_SSL_REDIRECT = True), so users do reach HTTPS; redirecting at the proxy saves the round trip to the app.`,
  };
}
