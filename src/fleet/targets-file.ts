/** A targets file: one URL per line; blank lines and `#` comments are ignored. */

export interface TargetLine {
  /** 1-based, for error messages. */
  line: number;
  text: string;
}

export function parseTargetsFile(text: string): TargetLine[] {
  const lines: TargetLine[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const hash = raw.search(/(^|\s)#/);
    const content = (hash === -1 ? raw : raw.slice(0, hash)).trim();
    if (content) lines.push({ line: index + 1, text: content });
  });
  return lines;
}
