/** The request headers frameworks read as "the request was HTTPS", and the values that claim it. */

/** X-Forwarded-Proto and the headers that some framework or middleware reads as "the request was HTTPS". */
export const SCHEME_HEADERS = [
  "X-Forwarded-Proto",
  "X-Forwarded-Ssl",
  "X-Forwarded-Protocol",
  "X-Forwarded-Scheme",
  "X-Scheme",
  "Forwarded",
];

/** A value of one of SCHEME_HEADERS that tells the app the request came over HTTPS. */
export function claimsHttps(name: string, value: string): boolean {
  const lower = value.trim().toLowerCase();
  if (name === "Forwarded") return /(^|[;,\s])proto="?https"?($|[;,\s])/.test(lower);
  return name === "X-Forwarded-Ssl" ? lower === "on" : lower === "https";
}
