/** The host names written in an ALLOWED_HOSTS list, for the rules that judge its entries. */
import type { Candidate } from "./shared.js";

/** The string entries of a list or tuple candidate; none for any other value. */
export function hostEntries(c: Candidate): string[] {
  if (c.value.kind !== "list" && c.value.kind !== "tuple") return [];
  return c.value.items.flatMap((i) => (i.kind === "str" ? [i.value] : []));
}
