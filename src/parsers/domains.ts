/**
 * Host names against the public suffix list. tldts's list takes tens of milliseconds to load, so it is
 * read at the first question, not by every command: most audits and scans start without one.
 * require(), not import(): tldts is CommonJS, and importing it as ESM first scans its 200 KB for
 * module syntax and exports, which costs more than compiling it.
 */
import { createRequire } from "node:module";
import type * as Tldts from "tldts";

let tldts: typeof Tldts | undefined;
const suffixList = () => (tldts ??= createRequire(import.meta.url)("tldts") as typeof Tldts);

/** The public suffix of a host name (co.uk, github.io: private suffixes count). */
export function publicSuffixOf(host: string): string | null {
  return suffixList().parse(host, { allowPrivateDomains: true }).publicSuffix;
}

/** The registrable domain of a host name (example.co.uk for shop.example.co.uk), by ICANN's suffixes. */
export function registrableDomainOf(host: string): string | null {
  return suffixList().getDomain(host);
}
