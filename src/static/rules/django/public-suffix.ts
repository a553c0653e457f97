/**
 * The public suffix of a host name (co.uk, github.io: private suffixes count). tldts's suffix list
 * takes tens of milliseconds to load, so it is read at the first question, not by every audit:
 * most have no wildcard host to judge.
 */
import { createRequire } from "node:module";
import type * as Tldts from "tldts";

let tldts: typeof Tldts | undefined;

export function publicSuffixOf(host: string): string | null {
  tldts ??= createRequire(import.meta.url)("tldts") as typeof Tldts;
  return tldts.parse(host, { allowPrivateDomains: true }).publicSuffix;
}
