/** Text from the wire, made safe for XML 1.0 and HTML: shared by the JUnit and HTML reports. */

// Everything XML 1.0 forbids: C0 controls but tab/LF/CR, lone surrogates, U+FFFE and U+FFFF.
const FORBIDDEN = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Forbidden characters shown as \xNN / \uNNNN, so evidence stays readable and the document valid. */
export function visibleControls(text: string): string {
  return text.replace(FORBIDDEN, (ch) => {
    const code = ch.codePointAt(0)!;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16)}`;
  });
}

/** Safe as element text and as a quoted attribute value (`]]>` included: `>` is always escaped). */
export function escapeMarkup(text: string): string {
  return visibleControls(text).replace(/[&<>"']/g, (ch) => ENTITIES[ch]!);
}
