/**
 * Text that came from a file or the command line, made safe for a one-line message: control
 * characters (line breaks, terminal escapes, NUL) are shown as escapes, never sent to the terminal.
 */

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

const HAS_CONTROL = new RegExp(CONTROL.source);

/** True when the text holds a control character (a line break, an escape, NUL). */
export function hasControl(text: string): boolean {
  return HAS_CONTROL.test(text);
}

function escapeControl(char: string): string {
  const code = char.charCodeAt(0);
  if (char === "\n") return "\\n";
  if (char === "\r") return "\\r";
  if (char === "\t") return "\\t";
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16)}`;
}

/** The message with every control character escaped: one line, nothing the terminal would act on. */
export function printable(text: string): string {
  return text.replace(CONTROL, escapeControl);
}

/** Text of several lines made safe the same way, line by line: its line breaks are kept. */
export function printableLines(text: string): string {
  return hasControl(text) ? text.split("\n").map(printable).join("\n") : text;
}

/** Input quoted for a message: control characters escaped, cut after `max` characters with "…". */
export function quoted(text: string, max = 60): string {
  const shown = printable(text);
  if (shown.length <= max) return `'${shown}'`;
  // Never end on half an escape such as "\x0".
  return `'${shown.slice(0, max).replace(/\\(x[0-9a-f]?|u[0-9a-f]{0,3})?$/, "")}…'`;
}
