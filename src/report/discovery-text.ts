/** The opening of an `audit PATH` report: what was found, how it was paired, and what was left out. */
import type { Discovery } from "./model.js";

/** Ignored entries shown in text; the JSON report has them all. */
const IGNORED_SHOWN = 15;

export function discoveryLines(discovery: Discovery): string[] {
  const lines = [
    `found ${discovery.found.length} deployment file(s) among ${discovery.filesWalked} walked under ${discovery.root}:`,
  ];
  const width = Math.max(0, ...discovery.found.map((f) => f.kind.length));
  for (const f of discovery.found) lines.push(`  ${f.kind.padEnd(width)}  ${f.file}  (${f.why})`);
  lines.push(`paired into ${discovery.deployments.length} deployment(s):`);
  for (const d of discovery.deployments) {
    lines.push(`  ${d.name}`);
    lines.push(`    files: ${d.files.map((f) => `${f.role} ${f.file}`).join(", ")}`);
    for (const reason of d.pairedBecause) lines.push(`    - ${reason}`);
    for (const e of d.environment) lines.push(`    env ${e.name}=${e.value}  (${e.file}:${e.line})`);
  }
  if (discovery.ignored.length) {
    lines.push(`ignored ${discovery.ignored.length}:`);
    for (const i of discovery.ignored.slice(0, IGNORED_SHOWN)) lines.push(`  ${i.path}  (${i.reason})`);
    if (discovery.ignored.length > IGNORED_SHOWN)
      lines.push(`  … and ${discovery.ignored.length - IGNORED_SHOWN} more (all in --format json)`);
  }
  return lines;
}
