/** A Python `re` pattern as a JavaScript RegExp, for judging what a setting's pattern matches. */

/**
 * The RegExp that matches what Python's re.search would, or undefined for syntax with no
 * JavaScript equivalent here (verbose mode, conditionals, possessive forms): no guess is made.
 */
export function pythonRegex(pattern: string): RegExp | undefined {
  let flags = "";
  let body = pattern;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(body);
  if (inline) {
    if (/[xL]/.test(inline[1]!)) return undefined;
    flags = [...new Set(inline[1]!.replace(/[au]/g, ""))].join("");
    body = body.slice(inline[0].length);
  }
  // Judged on the pattern with escapes and character classes blanked: `[*+]` and `\++` are no possessive.
  const skeleton = body.replace(/\\[\s\S]/g, "e").replace(/\[\^?\]?(?:\\[\s\S]|[^\]\\])*\]/g, "c");
  if (/\(\?\(|\(\?>|\(\?[aiLmsux-]+:|[*+?}]\+/.test(skeleton)) return undefined;
  // `[^]]` is "not ]" in Python but "any character, then ]" in JavaScript.
  if (/\[\^?\]/.test(body.replace(/\\[\s\S]/g, "e"))) return undefined;
  body = body
    .replace(/\(\?P<(\w+)>/g, "(?<$1>")
    .replace(/\(\?P=(\w+)\)/g, "\\k<$1>")
    .replace(/\\A/g, "^")
    .replace(/\\Z/g, "(?![\\s\\S])");
  try {
    return new RegExp(body, flags);
  } catch {
    return undefined;
  }
}
