/** Reading a scan report's exchanges: what was asked, what came back. Pure. */
import { cookieRole, isDeletion, setCookies, type SetCookie } from "../parsers/cookies.js";
import { headerValue } from "../parsers/headers.js";
import type { CheckResult, Exchange, Report } from "../report/model.js";

export function checkOf(report: Report | undefined, id: string): CheckResult | undefined {
  return report?.checks.find((c) => c.id === id);
}

export function failing(check: CheckResult | undefined): boolean {
  return check?.status === "fail" || check?.status === "warn";
}

export function allExchanges(report: Report): Exchange[] {
  return report.checks.flatMap((c) => c.evidence);
}

function urlOf(raw: string): URL | undefined {
  try {
    // Evidence URLs may carry a note after the URL ("(request target ...)").
    return new URL(raw.split(" ")[0] as string);
  } catch {
    return undefined;
  }
}

function requestUrl(x: Exchange): URL | undefined {
  return urlOf(x.request.url);
}

/** Where a redirect points, resolved against the request. */
function redirectTarget(x: Exchange): URL | undefined {
  const status = x.response?.status ?? 0;
  if (status < 300 || status >= 400) return undefined;
  const location = headerValue(x.response?.headers ?? [], "location");
  if (!location) return undefined;
  try {
    return new URL(location, requestUrl(x));
  } catch {
    return undefined;
  }
}

/** An HTTPS request redirected to HTTPS on the same host and path: the app believed it was plain HTTP. */
export function isHttpsSelfRedirect(x: Exchange): boolean {
  const from = requestUrl(x);
  const to = redirectTarget(x);
  return (
    from?.protocol === "https:" &&
    to?.protocol === "https:" &&
    to.hostname === from.hostname &&
    to.pathname === from.pathname
  );
}

/** The hosts redirects point at that are not the site's own: the Host the app was given instead. */
export function foreignRedirectHosts(report: Report, siteHost: string): string[] {
  const hosts = allExchanges(report)
    .filter((x) => requestUrl(x)?.hostname === siteHost)
    .map((x) => redirectTarget(x)?.host)
    .filter((host): host is string => Boolean(host) && host !== siteHost);
  return [...new Set(hosts)];
}

/** Hosts the probe middleware saw Django use, other than the site's own and the scanner's forged ones. */
export function believedHosts(report: Report, siteHost: string): string[] {
  const seen = report.checks.flatMap((c) =>
    [...c.summary.matchAll(/Django saw host=([^\s),]+)/g)].map((m) => m[1] ?? ""),
  );
  return [...new Set(seen)].filter((host) => host && host !== siteHost && !host.startsWith("proxytrust-"));
}

export interface CookieSighting {
  cookie: SetCookie;
  role: "session" | "csrf";
  exchange: Exchange;
  overPlainHttp: boolean;
}

/** Every session or CSRF cookie handed out in the scan, with the exchange that set it. */
export function credentialCookies(report: Report): CookieSighting[] {
  return allExchanges(report).flatMap((exchange) =>
    setCookies(exchange.response?.headers ?? []).flatMap((cookie): CookieSighting[] => {
      const role = cookieRole(cookie.name);
      if (!role || isDeletion(cookie)) return [];
      return [{ cookie, role, exchange, overPlainHttp: requestUrl(exchange)?.protocol === "http:" }];
    }),
  );
}

export function serverNames(report: Report): string[] {
  return [
    ...new Set(
      allExchanges(report)
        .map((x) => headerValue(x.response?.headers ?? [], "server"))
        .filter((s): s is string => Boolean(s)),
    ),
  ];
}
