/** Quoting for POSIX shells, shared by replay lines and the smoke-test script. */

/** Single-quoted unless plainly safe: nothing inside is expanded by any POSIX shell. */
export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
