/**
 * The client headers every generated proxy config removes before the request reaches gunicorn and
 * Django: each one is read by some app server, middleware or library as a statement about the request.
 */

/** The forwarding headers every generated proxy config overwrites from what the proxy itself saw. */
export const OVERWRITTEN_HEADERS = [
  "X-Forwarded-Proto",
  "X-Forwarded-Host",
  "X-Forwarded-For",
  "X-Real-IP",
] as const;
export type OverwrittenHeader = (typeof OVERWRITTEN_HEADERS)[number];

/** Scheme claims besides X-Forwarded-Proto (which is overwritten): gunicorn reads the first three. */
export const SCHEME_COUSINS = [
  "X-Forwarded-Ssl",
  "X-Forwarded-Protocol",
  "X-Forwarded-Scheme",
  "X-Scheme",
  "X-Url-Scheme",
  "Front-End-Https",
  "X-Forwarded-Port",
  "Forwarded",
  "CF-Visitor",
] as const;

/** Client-address claims besides X-Forwarded-For and X-Real-IP (which are overwritten). */
const CLIENT_ADDRESS_CLAIMS = ["CF-Connecting-IP", "True-Client-IP"] as const;

/**
 * Underscore spellings: gunicorn maps "_" to "-" like Django's META does, so these would join the
 * real headers. nginx drops them by default (underscores_in_headers off); the others must be told.
 */
export const UNDERSCORE_VARIANTS = [
  "X_Forwarded_Proto",
  "X_Forwarded_Host",
  "X_Forwarded_For",
  "X_Real_IP",
  "X_Forwarded_Ssl",
  "X_Forwarded_Protocol",
] as const;

export const STRIPPED_HEADERS: readonly string[] = [...SCHEME_COUSINS, ...CLIENT_ADDRESS_CLAIMS];

/** The same value Django sends (SECURE_HSTS_*), so either copy says the same; preload only makes the
 * domain eligible: it is listed once submitted at hstspreload.org. */
export const HSTS_VALUE = "max-age=31536000; includeSubDomains; preload";
