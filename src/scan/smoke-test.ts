/**
 * What `--format sh` needs to re-run a scan's decidable checks with curl: where the site is and how
 * to reach it, the CSRF page and the Origins to try, the health paths. Built from the evidence, so
 * the script asks what the scan asked.
 */
import type { ClauseId } from "../clauses.js";
import type { CheckResult, SmokeCsrfProbe, SmokeTest } from "../report/model.js";
import type { CsrfOriginProbe, ScanEvidence } from "./evidence.js";
import type { ScanOptions } from "./options.js";
import { connectTo } from "./replay.js";
import { FOREIGN_HOST } from "./spoof-headers.js";

/**
 * Clauses a script of curl, grep and sed decides as the scan does. The others read Django's belief
 * from differential answers or the probe middleware's JSON, or need links curl cannot make (README).
 */
const SHELL_DECIDABLE: readonly ClauseId[] = [
  "https-redirect",
  "hsts",
  "host-header",
  "csrf-origin",
  "health-exempt",
];

const CSRF_EXPECTATION: Record<CsrfOriginProbe["kind"], SmokeCsrfProbe["expect"]> = {
  "own-origin": "accept",
  "foreign-origin": "refuse",
  "null-origin": "refuse",
  "http-origin": "refuse",
  "sibling-origin": "sibling",
  "foreign-referer": "refuse",
};

export function smokeTestFor(evidence: ScanEvidence, options: ScanOptions, checks: CheckResult[]): SmokeTest {
  const curlOptions = [evidence.httpsUrl, evidence.httpUrl].flatMap((url) => {
    const mapping = connectTo(new URL(url), options.mappings);
    return mapping ? ["--connect-to", mapping] : [];
  });
  if (options.caFile) curlOptions.push("--cacert", options.caFile);
  if (options.insecure) curlOptions.push("-k");
  const pair = evidence.csrf.pair;
  const decided = new Set(checks.filter((c) => c.status !== "skip").map((c) => c.clause));
  const healthPaths = evidence.health
    .filter(
      (p) =>
        p.named || (p.https?.response && p.https.response.status >= 200 && p.https.response.status < 300),
    )
    .map(({ path, named }) => ({ path, named }));
  return {
    siteHost: evidence.siteHost,
    httpsUrl: evidence.httpsUrl,
    httpUrl: evidence.httpUrl,
    httpChainStart: evidence.httpChainStart,
    curlOptions,
    foreignHost: FOREIGN_HOST,
    ...(pair
      ? {
          csrf: {
            pagePath: pair.pagePath,
            postPath: pair.postPath,
            probes: evidence.csrf.origins.map((p) => ({
              label: p.kind,
              header: p.origin !== undefined ? ("Origin" as const) : ("Referer" as const),
              value: p.origin ?? p.referer ?? "",
              expect: CSRF_EXPECTATION[p.kind],
            })),
          },
        }
      : {}),
    healthPaths,
    clauses: SHELL_DECIDABLE.filter((clause) => decided.has(clause)),
  };
}
