/** What a scan told about the servers in front of Django, and from which response. */
import type { Identified, Report } from "./model.js";

function line(
  role: string,
  found: Identified<string> | undefined,
  given: string | undefined,
  each: string,
): string {
  if (given && found?.kind !== given) return `${role}: ${given} (as given)`;
  if (found) return `${role}: ${found.kind}, identified from ${found.from}`;
  return `${role}: not identified from the responses; ${each}`;
}

/** Lines for a scan's report; none for reports that identify nothing (audit, logs). */
export function identificationLines(report: Report): string[] {
  const identified = report.identified;
  if (!identified) return [];
  return [
    line("proxy", identified.proxy, report.proxy, "the fixes name each proxy"),
    line("app server", identified.appServer, undefined, "the fixes name each app server"),
  ];
}
