/** The host names written in an ALLOWED_HOSTS list, for the rules that judge its entries. */
import type { Candidate } from "./shared.js";

export interface HostEntries {
  /** Entries known as strings; an entry read from the environment counts by its default. */
  hosts: string[];
  /** Why some entry could not be read (an f-string, a call): it may be '*' for all we know. */
  unread?: string;
  /** Some host is an environment variable's default, not a literal. */
  fromDefault: boolean;
}

/** The entries of a list or tuple candidate; none for any other value. */
export function hostEntries(c: Candidate): HostEntries {
  const entries: HostEntries = { hosts: [], fromDefault: false };
  if (c.value.kind !== "list" && c.value.kind !== "tuple") return entries;
  for (const item of c.value.items) {
    // An entry from the environment without a default is the deployer's to set, as a whole value is.
    const value = item.kind === "env" ? item.default : item;
    if (value?.kind === "str") {
      entries.hosts.push(value.value);
      entries.fromDefault ||= item.kind === "env";
    } else if (value?.kind === "unknown") entries.unread ??= value.reason;
  }
  return entries;
}
