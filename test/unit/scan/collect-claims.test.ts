/**
 * Scheme claims sent together, and alone only when together they changed what the app showed: the
 * answers here are Django's real fingerprints (its no-Referer 403 on HTTPS, an accepted POST on http).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { claimGroups, sendClaimFamily, type ClaimAnswer } from "../../../src/scan/collect-claims.js";
import { spoofedProtoCheck } from "../../../src/scan/checks/spoofed-proto.js";
import type { SchemeSpoof } from "../../../src/scan/evidence.js";
import { claimsFor, type SchemeClaim } from "../../../src/scan/spoof-headers.js";
import { evidence, exchange, NO_REFERER_403, post } from "./fixtures.js";

const names = (claims: SchemeClaim[]) => claims.map((c) => `${c.name}: ${c.value}`);

test("a group names each header once, whatever its case or '-' against '_'", () => {
  for (const leg of ["http", "https"] as const) {
    const groups = claimGroups(claimsFor(leg));
    assert.deepEqual(groups.flat().length, claimsFor(leg).length);
    for (const group of groups) {
      const seen = group.map((c) => c.name.toLowerCase().replaceAll("_", "-"));
      assert.equal(new Set(seen).size, seen.length, names(group).join(", "));
    }
  }
  // "X-Forwarded-Proto: http, https" and X_Forwarded_Proto each go apart from X-Forwarded-Proto: http.
  assert.equal(claimGroups(claimsFor("https")).length, 3);
});

/** An HTTPS site behind a proxy; `believed` are the claims Django would take as the scheme. */
function httpsSite(believed: (claim: SchemeClaim) => boolean) {
  const sent: string[][] = [];
  const answer = (claims: SchemeClaim[]): Promise<ClaimAnswer & { claims: string[] }> => {
    sent.push(names(claims));
    const fooled = claims.some(believed);
    return Promise.resolve({
      claims: names(claims),
      get: exchange("https://app.test/", { status: 200 }),
      post: fooled
        ? post("https://app.test/contact/", 200)
        : post("https://app.test/contact/", 403, NO_REFERER_403),
    });
  };
  const baseline = answer([]);
  sent.length = 0;
  return { sent, answer, baseline };
}

test("claims that together change nothing are one request per group", async () => {
  const site = httpsSite(() => false);
  const answers = await sendClaimFamily("https", claimsFor("https"), site.baseline, site.answer);
  assert.equal(site.sent.length, 3);
  assert.deepEqual(
    answers
      .map((a) => a.claims)
      .flat()
      .sort(),
    names(claimsFor("https")).sort(),
  );
});

test("a group whose answer changed is resent claim by claim, in the family's order", async () => {
  const site = httpsSite((claim) => claim.name === "X-Scheme");
  const claims = claimsFor("https");
  const answers = await sendClaimFamily("https", claims, site.baseline, site.answer);
  const firstGroup = claimGroups(claims)[0]!;
  assert.equal(site.sent.length, 3 + firstGroup.length);
  const alone = answers.filter((a) => a.claims.length === 1).map((a) => a.claims[0]!);
  assert.deepEqual(
    alone.filter((line) => names(firstGroup).includes(line)),
    names(firstGroup),
  );
  // The order is the family's: each answer's first claim comes later in the list than the one before.
  const at = answers.map((a) => names(claims).indexOf(a.claims[0]!));
  assert.deepEqual(
    at,
    [...at].sort((a, b) => a - b),
  );
});

test("spoofed-proto names the one claim that worked and counts every claim when all were ignored", async () => {
  const judge = async (believed: (claim: SchemeClaim) => boolean) => {
    const site = httpsSite(believed);
    const base = await site.baseline;
    const spoofs = await sendClaimFamily("https", claimsFor("https"), site.baseline, async (claims) => {
      const a = await site.answer(claims);
      const header = a.claims.join(" + ");
      const spoof: SchemeSpoof = { leg: "https", header, claimed: "http", get: a.get!, post: a.post };
      return claims.length > 1 ? { ...spoof, sentTogether: a.claims } : spoof;
    });
    return spoofedProtoCheck.judge(
      evidence({
        baselines: { https: { get: base.get, postNoReferer: base.post }, http: {} },
        schemeSpoofs: spoofs,
      }),
    );
  };
  const ignored = await judge(() => false);
  assert.equal(ignored.status, "pass");
  assert.match(ignored.summary, new RegExp(`all ${claimsFor("https").length} scheme claims`));
  const fooled = await judge((claim) => claim.name === "X-Scheme");
  assert.equal(fooled.status, "fail");
  assert.match(fooled.summary, /^1 client-sent scheme header\(s\)[^]*HTTPS \+ X-Scheme: http: /);
});

test("an unreadable baseline sends every claim alone, as nothing can be read from a group", async () => {
  const sent: string[][] = [];
  const unreadable = Promise.resolve({ get: exchange("https://app.test/", { status: 200 }) });
  await sendClaimFamily("https", claimsFor("https"), unreadable, async (claims) => {
    sent.push(names(claims));
    return { get: exchange("https://app.test/", { status: 200 }) };
  });
  assert.equal(sent.filter((s) => s.length === 1).length, claimsFor("https").length);
});
