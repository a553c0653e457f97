import { readBelief, upgradeRedirectDropped } from "../belief.js";
import type { Captured, Leg, LegBaseline, SchemeSpoof } from "../evidence.js";
import { describeOutcome, headerNameOf, present, type LiveCheck } from "./check.js";

type Verdict = "believed" | "ignored" | "changed" | "undecided";

interface Reading {
  spoof: SchemeSpoof;
  verdict: Verdict;
  detail: string;
}

function statusOf(c: Captured | undefined): number | undefined {
  return c?.response?.status;
}

/** Differential: the same request with and without the claim, read for the scheme the app assumed. */
function readSpoof(spoof: SchemeSpoof, base: LegBaseline): Reading {
  const baseGet = base.get;
  const basePost = base.postNoReferer;
  const before = readBelief(spoof.leg, baseGet, basePost, base.probe);
  const after = readBelief(spoof.leg, spoof.get, spoof.post, spoof.probe);
  if (after.scheme === spoof.claimed && before.scheme !== spoof.claimed) {
    return { spoof, verdict: "believed", detail: `the app believed ${spoof.claimed}: ${after.reason}` };
  }
  if (spoof.claimed === "https" && after.scheme === "unknown" && upgradeRedirectDropped(baseGet, spoof.get)) {
    return {
      spoof,
      verdict: "believed",
      detail: `the redirect to https the plain request got (${describeOutcome(baseGet)}) gave way to ${describeOutcome(spoof.get)}: the side that redirects took the request for https`,
    };
  }
  if (before.scheme === "unknown" || before.scheme === spoof.claimed) {
    return { spoof, verdict: "undecided", detail: `no baseline reading to compare with (${before.reason})` };
  }
  if (after.scheme === before.scheme) return { spoof, verdict: "ignored", detail: after.reason };
  const changed = statusOf(spoof.get) !== statusOf(baseGet) || statusOf(spoof.post) !== statusOf(basePost);
  return changed
    ? {
        spoof,
        verdict: "changed",
        detail: `the response changed (${describeOutcome(spoof.post ?? spoof.get)}) though no scheme could be read from it`,
      }
    : { spoof, verdict: "undecided", detail: after.reason };
}

/** Claims sent together are one reading, each claim still counted. */
const claimLines = (r: Reading) => r.spoof.sentTogether ?? [r.spoof.header];
const claimCount = (rs: Reading[]) => rs.flatMap(claimLines).length;

function legName(leg: Leg): string {
  return leg === "http" ? "plain HTTP" : "HTTPS";
}

/** Client-sent scheme headers, the whole family, must never change what the app believes. */
export const spoofedProtoCheck: LiveCheck = {
  clause: "spoofed-proto",
  severity: "high",
  judge(e) {
    const readings = e.schemeSpoofs.map((spoof) => readSpoof(spoof, e.baselines[spoof.leg]));
    const by = (v: Verdict) => readings.filter((r) => r.verdict === v);
    const line = (r: Reading) => `${legName(r.spoof.leg)} + ${r.spoof.header}: ${r.detail}`;
    const believed = by("believed");
    if (believed.length) {
      const first = believed[0] as Reading;
      const base = e.baselines[first.spoof.leg];
      return {
        status: "fail",
        summary: `${believed.length} client-sent scheme header(s) changed what the app believes:\n${believed.map(line).join("\n")}`,
        evidence: present(first.spoof.post, first.spoof.get, base.postNoReferer, base.get),
        headersThrough: believed.flatMap(claimLines).map(headerNameOf),
      };
    }
    if (readings.length === 0)
      return { status: "error", summary: "no scheme probes were sent", evidence: [] };
    const undecided = by("undecided");
    const changed = by("changed");
    if (undecided.length === readings.length) {
      return {
        status: "error",
        summary: `could not read the app's scheme belief on either leg (${undecided[0]?.detail}); name a page with a CSRF form (--csrf-path) or use the probe middleware`,
        evidence: present(e.baselines.https.get, e.baselines.http.get),
      };
    }
    if (undecided.length) {
      return {
        status: "error",
        summary: `${claimCount(readings) - claimCount(undecided)} of ${claimCount(readings)} claims were ignored, but these could not be decided:\n${undecided.map(line).join("\n")}`,
        evidence: present(undecided[0]?.spoof.post, undecided[0]?.spoof.get),
      };
    }
    if (changed.length) {
      return {
        status: "warn",
        summary: `no claim changed the scheme, but these reached the app stack and changed its answer:\n${changed.map(line).join("\n")}`,
        evidence: present(changed[0]?.spoof.post, changed[0]?.spoof.get),
        headersThrough: changed.flatMap(claimLines).map(headerNameOf),
      };
    }
    const lines = readings.flatMap(claimLines);
    return {
      status: "pass",
      summary: `all ${lines.length} scheme claims (${[...new Set(lines.map((line) => headerNameOf(line)))].join(", ")}) were ignored over plain HTTP and HTTPS`,
      evidence: present(readings[0]?.spoof.post, readings[0]?.spoof.get),
    };
  },
};
