/** The site's own host name as the audited files give it, for fixes that would otherwise say app.example.com. */
import type { AuditInput } from "./rule.js";
import { servedHosts } from "./contract/views.js";
import { candidates, hostEntries } from "./python/settings-queries.js";

/** A name a browser would use: dotted, no wildcard or leading dot, not an address or localhost. */
function isSiteName(host: string): boolean {
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(host) && !/^[\d.]+$/.test(host);
}

/** ALLOWED_HOSTS' first real name, else the first name a proxy route answers for; undefined if none. */
export function siteHostOf(input: AuditInput): string | undefined {
  const allowed = input.settings
    ? candidates(input.settings, "ALLOWED_HOSTS").flatMap((c) => hostEntries(c).hosts)
    : [];
  return allowed.find(isSiteName) ?? servedHosts(input).find(isSiteName);
}
