/**
 * How bad a proxy that passes plain HTTP to the app without redirecting is depends on what runs
 * behind it: when Django redirects (SECURE_SSL_REDIRECT with SecurityMiddleware), the proxy's missing
 * redirect only costs a round trip; only when nothing downstream redirects do users stay on HTTP.
 */
import type { DjangoSettings } from "../python/settings-model.js";
import type { RuleFinding } from "../rule.js";
import {
  candidates,
  isTruthy,
  judgedOn,
  SECURITY_MIDDLEWARE,
  lacksSecurityMiddleware,
} from "./django/shared.js";

/** A path a proxy keeps on plain HTTP on purpose: a load balancer's health check, an ACME challenge. */
export function meantForPlainHttp(path: string): boolean {
  return /(health|ping|ready|live|status|heartbeat|alive)/i.test(path) || path.startsWith("/.well-known/");
}

/** Why Django may not redirect plain HTTP ("fail" when a branch surely does not), or undefined when it always does. */
function djangoRedirectGap(
  settings: DjangoSettings,
): { status: RuleFinding["status"]; why: string } | undefined {
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

/**
 * The verdict on `served` ("The server on 80 accepts plain HTTP and proxies it to the app without
 * redirecting to https://"), given what the audit knows of Django.
 */
export function unredirectedVerdict(
  served: string,
  settings: DjangoSettings | undefined,
): Pick<RuleFinding, "status" | "message"> {
  if (!settings) {
    return {
      status: "warn",
      message: `${served}. Users stay on plain HTTP unless Django redirects (SECURE_SSL_REDIRECT = True): audit with --settings to decide.`,
    };
  }
  const gap = djangoRedirectGap(settings);
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
