/**
 * Host names against the public suffix list. tldts's list takes tens of milliseconds to load, so it is
 * read at the first question, not by every command: most audits and scans start without one.
 */
import type * as Tldts from "tldts";
import { lazyPackage } from "../lazy-package.js";

const suffixList = lazyPackage<typeof Tldts>("tldts");

/** The public suffix of a host name (co.uk, github.io: private suffixes count). */
export function publicSuffixOf(host: string): string | null {
  return suffixList().parse(host, { allowPrivateDomains: true }).publicSuffix;
}

/** The registrable domain of a host name (example.co.uk for shop.example.co.uk), by ICANN's suffixes. */
export function registrableDomainOf(host: string): string | null {
  return suffixList().getDomain(host);
}
