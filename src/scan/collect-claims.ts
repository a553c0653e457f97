/**
 * Retrieval for a family of client-sent scheme claims (X-Forwarded-Proto, X-Forwarded-Ssl, ...): the
 * claims go together first, and one by one only when together they changed what the app showed. On a
 * healthy site that is one request per group instead of one per claim; wherever a claim might have
 * worked, each is still sent alone, so a finding names the exact header. Nothing here decides pass or fail.
 */
import type { HeaderList } from "../report/model.js";
import { readBelief } from "./belief.js";
import type { Captured, Leg } from "./evidence.js";
import type { SchemeClaim } from "./spoof-headers.js";

/** What one request with claims (or without, for the baseline) showed of the app's scheme. */
export interface ClaimAnswer {
  get?: Captured;
  post?: Captured;
  probe?: Captured;
}

/** Header names as an app server's environ sees them: neither case nor '-' against '_' tells them apart. */
const environName = (claim: SchemeClaim) => claim.name.toLowerCase().replaceAll("_", "-");

/**
 * Groups that carry each header name at most once: two values under one name reach the app as one
 * list ("https, http"), which an exact-match rule reads differently from either value alone.
 */
export function claimGroups(claims: readonly SchemeClaim[]): SchemeClaim[][] {
  const groups: SchemeClaim[][] = [];
  for (const claim of claims) {
    const group = groups.find((g) => !g.some((c) => environName(c) === environName(claim)));
    if (group) group.push(claim);
    else groups.push([claim]);
  }
  return groups;
}

/** The claims as request headers, and as evidence names them: each line, joined by " + " when several. */
export function claimHeaders(claims: readonly SchemeClaim[]): {
  headers: HeaderList;
  header: string;
  sentTogether?: string[];
} {
  const lines = claims.map((c) => `${c.name}: ${c.value}`);
  return {
    headers: claims.map((c) => [c.name, c.value]),
    header: lines.join(" + "),
    ...(lines.length > 1 ? { sentTogether: lines } : {}),
  };
}

const statusOf = (captured: Captured | undefined) => captured?.response?.status;

/**
 * Whether claims sent together left every sign of the app's scheme as the baseline showed it: the same
 * definite scheme and the same statuses. Claims of one scheme can only add to each other's effect, so
 * then none of them alone changes it either; anything else (a refusal, an unreadable answer) is resent
 * claim by claim.
 */
function changedNothing(leg: Leg, baseline: ClaimAnswer, together: ClaimAnswer): boolean {
  const before = readBelief(leg, baseline.get, baseline.post, baseline.probe).scheme;
  const after = readBelief(leg, together.get, together.post, together.probe).scheme;
  return (
    before !== "unknown" &&
    after === before &&
    statusOf(together.get) === statusOf(baseline.get) &&
    statusOf(together.post) === statusOf(baseline.post)
  );
}

/** Sends every claim, grouped where that changes nothing; `send` makes the requests for some claims at once. */
export async function sendClaimFamily<T extends ClaimAnswer>(
  leg: Leg,
  claims: readonly SchemeClaim[],
  baseline: Promise<ClaimAnswer>,
  send: (claims: SchemeClaim[]) => Promise<T>,
): Promise<T[]> {
  const answers = await Promise.all(
    claimGroups(claims).map(async (group) => {
      const together = await send(group);
      if (group.length === 1 || changedNothing(leg, await baseline, together))
        return [{ at: claims.indexOf(group[0]!), answer: together }];
      return Promise.all(
        group.map(async (claim) => ({ at: claims.indexOf(claim), answer: await send([claim]) })),
      );
    }),
  );
  // In the family's own order, as if each had been sent alone: the first claim that worked leads a finding.
  return answers
    .flat()
    .sort((a, b) => a.at - b.at)
    .map((a) => a.answer);
}
