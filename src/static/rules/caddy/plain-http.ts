/**
 * Caddy redirects HTTP to HTTPS by itself, except for hosts that have their own http:// site block and
 * when `auto_https off` or `auto_https disable_redirects` is set. What the two redirect rules share.
 */
import type { CaddySite } from "../../caddy/model.js";
import { siteRedirect } from "../../caddy/queries.js";

/** Port 80 or http:// written out: a catch-all on another port is taken to sit behind a TLS terminator. */
export function servesPlainHttp(site: CaddySite): boolean {
  return site.addresses.some((a) => a.scheme === "http" && (a.explicitScheme || a.port === "80"));
}

/** A redir to https for every path; one behind a path matcher (`redir /admin/* https://...`) does not count. */
export function redirectsToHttps(site: CaddySite): boolean {
  return siteRedirect(site) !== undefined;
}

export const httpsRedirectMeta = {
  clause: "https-redirect" as const,
  severity: "high" as const,
  fix: {
    caddy:
      "Let Caddy redirect: drop the http:// site block (or auto_https off), or end it with `redir https://{host}{uri} 308` and keep only health checks proxied there.",
  },
};
