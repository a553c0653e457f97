/**
 * The family of client-sent headers that some proxy, app server or Django setting treats as
 * the request's scheme. They go together where that changes nothing, else each alone, so a finding
 * names the exact header that worked (collect-claims.ts).
 */
import type { Leg } from "./evidence.js";

export interface SchemeClaim {
  name: string;
  value: string;
}

const claims: Record<Leg, SchemeClaim[]> = {
  https: [
    { name: "X-Forwarded-Proto", value: "https" },
    { name: "X-Forwarded-Proto", value: "https, http" },
    { name: "X_Forwarded_Proto", value: "https" },
    { name: "X-Forwarded-Protocol", value: "https" },
    { name: "X-Forwarded-Protocol", value: "ssl" },
    { name: "X-Forwarded-Ssl", value: "on" },
    { name: "X-Forwarded-Scheme", value: "https" },
    { name: "X-Scheme", value: "https" },
    { name: "X-Url-Scheme", value: "https" },
    { name: "Front-End-Https", value: "on" },
    { name: "Forwarded", value: "proto=https" },
    { name: "CF-Visitor", value: '{"scheme":"https"}' },
  ],
  http: [
    { name: "X-Forwarded-Proto", value: "http" },
    { name: "X-Forwarded-Proto", value: "http, https" },
    { name: "X_Forwarded_Proto", value: "http" },
    { name: "X-Forwarded-Protocol", value: "http" },
    { name: "X-Forwarded-Ssl", value: "off" },
    { name: "X-Forwarded-Scheme", value: "http" },
    { name: "X-Scheme", value: "http" },
    { name: "X-Url-Scheme", value: "http" },
    { name: "Front-End-Https", value: "off" },
    { name: "Forwarded", value: "proto=http" },
    { name: "CF-Visitor", value: '{"scheme":"http"}' },
  ],
};

/** Claims to send over a leg: over plain HTTP claim https, over HTTPS claim http. */
export function claimsFor(leg: Leg): SchemeClaim[] {
  return claims[leg === "http" ? "https" : "http"];
}

export const FORWARDED_HOST_CLAIMS: ((host: string) => SchemeClaim)[] = [
  (host) => ({ name: "X-Forwarded-Host", value: host }),
  (host) => ({ name: "Forwarded", value: `host=${host}` }),
  (host) => ({ name: "X_Forwarded_Host", value: host }),
];

/** A name under the reserved .invalid TLD can never belong to anyone (RFC 2606). */
export const FOREIGN_HOST = "proxytrust-foreign.invalid";

/** From TEST-NET-2 (RFC 5737): only ever a header value, never an address anything is sent to. */
export const FORGED_CLIENT_IP = "198.51.100.23";

export const CLIENT_IP_CLAIMS: [string, string][] = [
  ["X-Forwarded-For", FORGED_CLIENT_IP],
  ["X-Real-IP", FORGED_CLIENT_IP],
  ["Forwarded", `for=${FORGED_CLIENT_IP}`],
  ["CF-Connecting-IP", FORGED_CLIENT_IP],
  ["True-Client-IP", FORGED_CLIENT_IP],
];
