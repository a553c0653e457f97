/**
 * Reading what the app believed about a request's scheme from what it did. Django leaves
 * three fingerprints that depend on request.is_secure():
 *  - CsrfViewMiddleware demands a Referer on POSTs without Origin only when it believes HTTPS,
 *    so a token-carrying POST without Referer is refused (403) on "https" and accepted on "http";
 *  - SecurityMiddleware's SECURE_SSL_REDIRECT redirects only requests it believes are http;
 *  - SecurityMiddleware sends Strict-Transport-Security only on requests it believes are https.
 */
import { headerValue } from "../parsers/headers.js";
import type { Captured, Leg } from "./evidence.js";
import { probeAnswer } from "./probe-answer.js";

export interface Belief {
  scheme: Leg | "unknown";
  reason: string;
  /**
   * Read from Strict-Transport-Security on plain HTTP: Django's sign of believing https, but also what a
   * proxy adding HSTS to every answer (nginx's `add_header … always` in a block on both ports) sends,
   * so it tells only as a change between two answers, not on its own.
   */
  fromHsts?: true;
}

const UNKNOWN: Belief = { scheme: "unknown", reason: "no response revealed the scheme the app assumed" };

/** Django's stock CSRF failure page explains the missing Referer only for HTTPS requests. */
function isNoRefererRejection(captured: Captured): boolean {
  const body = captured.response?.body ?? "";
  return captured.response?.status === 403 && /Referer header/i.test(body) && /HTTPS/.test(body);
}

export function isRedirect(captured: Captured | undefined): boolean {
  const status = captured?.response?.status ?? 0;
  return (
    status >= 300 && status < 400 && headerValue(captured?.response?.headers ?? [], "location") !== undefined
  );
}

/** A redirect to the https version of the same request: whoever answered believed it was plain HTTP. */
function isUpgradeRedirect(captured: Captured | undefined): boolean {
  if (!captured?.response || !isRedirect(captured)) return false;
  const location = headerValue(captured.response.headers, "location") as string;
  try {
    const from = new URL(captured.request.url);
    const to = new URL(location, from);
    // Compare with the Host the server was given: for a direct origin probe it is not the URL's host.
    const host = headerValue(captured.request.headers, "host") ?? from.host;
    const sameHost = to.hostname === new URL(`http://${host}`).hostname;
    return to.protocol === "https:" && sameHost && to.pathname === from.pathname;
  } catch {
    return false;
  }
}

/**
 * Django's APPEND_SLASH answer: a redirect to the same path with a slash added, which CommonMiddleware
 * sends before the CSRF check runs, whatever the request carries.
 */
export function appendSlashRedirect(captured: Captured | undefined): boolean {
  const response = captured?.response;
  if (!captured || !response || response.status < 300 || response.status >= 400) return false;
  const location = headerValue(response.headers, "location");
  if (location === undefined) return false;
  try {
    const from = new URL(captured.request.url);
    const to = new URL(location, from);
    return to.pathname === `${from.pathname}/` && to.search === from.search;
  } catch {
    return false;
  }
}

/**
 * True when Django's CSRF middleware let a token-carrying POST through to the view. A 404 comes from URL
 * resolution and APPEND_SLASH's redirect from CommonMiddleware, both before the CSRF check runs.
 */
export function accepted(captured: Captured | undefined): boolean {
  const status = captured?.response?.status;
  return (
    status !== undefined &&
    ((status >= 200 && status < 400) || status === 405) &&
    !appendSlashRedirect(captured)
  );
}

function fromPost(post: Captured | undefined): Belief {
  const response = post?.response;
  if (!post || !response) return UNKNOWN;
  if (isNoRefererRejection(post)) {
    return {
      scheme: "https",
      reason: "Django refused a token-carrying POST for lack of a Referer, which it demands only on HTTPS",
    };
  }
  if (isUpgradeRedirect(post)) {
    return { scheme: "http", reason: `the POST was redirected to https (${response.status})` };
  }
  if (accepted(post)) {
    return {
      scheme: "http",
      reason: `Django accepted a token-carrying POST without Referer (${response.status}); on a request it believes is HTTPS it would have demanded one`,
    };
  }
  return UNKNOWN;
}

function fromGet(get: Captured | undefined, leg: Leg): Belief {
  const response = get?.response;
  if (!get || !response) return UNKNOWN;
  if (isUpgradeRedirect(get)) {
    return {
      scheme: "http",
      reason: `redirected to https (${response.status}): the answering side believed the request was plain HTTP`,
    };
  }
  if (leg === "http" && headerValue(response.headers, "strict-transport-security") !== undefined) {
    return {
      scheme: "https",
      reason: "sent Strict-Transport-Security, which Django sends only on requests it believes are HTTPS",
      fromHsts: true,
    };
  }
  return UNKNOWN;
}

/**
 * A claim of https on plain HTTP read by difference: the plain request's upgrade redirect gave way to a
 * 2xx answer with the claim, so whatever redirected (SECURE_SSL_REDIRECT, or a proxy rule reading the
 * header) took the request for https.
 */
export function upgradeRedirectDropped(base: Captured | undefined, claimed: Captured | undefined): boolean {
  const status = claimed?.response?.status;
  return isUpgradeRedirect(base) && status !== undefined && status >= 200 && status < 300;
}

/** The strongest reading: Django's own word (probe middleware), else the CSRF fingerprint, else the GET's. */
export function readBelief(
  leg: Leg,
  get: Captured | undefined,
  post: Captured | undefined,
  probe?: Captured,
): Belief {
  const scheme = probeAnswer(probe)?.scheme;
  if (scheme) return { scheme, reason: `Django saw scheme=${scheme} (probe middleware)` };
  const byPost = fromPost(post);
  return byPost.scheme !== "unknown" ? byPost : fromGet(get, leg);
}
