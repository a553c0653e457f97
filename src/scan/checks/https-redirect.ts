import { headerValue } from "../../parsers/headers.js";
import { isRedirect } from "../belief.js";
import { describeOutcome, type LiveCheck } from "./check.js";

const PERMANENT = new Set([301, 308]);

/** Plain HTTP gets exactly one redirect to the same host, path and query on https, and no loop. */
export const httpsRedirectCheck: LiveCheck = {
  clause: "https-redirect",
  severity: "high",
  judge(e) {
    const { hops, outcome, unfollowedLocation } = e.httpChain;
    const first = hops[0];
    if (!first?.response) {
      return {
        status: "skip",
        summary: `plain HTTP did not answer (${first?.error ?? "not sent"}): nothing to redirect`,
        evidence: hops.slice(0, 1),
      };
    }
    const trail = hops.map(describeOutcome).join(", then ");
    if (outcome === "loop" || outcome === "too-many") {
      return {
        status: "fail",
        summary: `redirect loop from ${e.httpChainStart}: ${trail}`,
        evidence: hops.slice(0, 4),
      };
    }
    if (!isRedirect(first)) {
      return {
        status: "fail",
        summary: `plain HTTP is served without a redirect (${first.response.status})`,
        evidence: [first],
      };
    }
    const last = hops[hops.length - 1];
    // Every hop is judged, not only the first: a chain that ends on plain HTTP serves it.
    if (outcome === "final" && last?.response && new URL(last.request.url).protocol === "http:") {
      return {
        status: "fail",
        summary: `plain HTTP is served at the end of the redirects: ${trail}`,
        evidence: hops.slice(0, 3),
      };
    }
    const from = new URL(e.httpChainStart);
    const location = headerValue(first.response.headers, "location") as string;
    if (!URL.canParse(location, from)) {
      return {
        status: "fail",
        summary: `plain HTTP redirects to a Location no client can follow: ${location}`,
        evidence: [first],
      };
    }
    const to = new URL(location, from);
    if (outcome === "off-host" && hops.length === 1) {
      return {
        status: "fail",
        summary: `plain HTTP redirects off the site's host, to ${unfollowedLocation} (not followed)`,
        evidence: [first],
      };
    }
    if (to.protocol !== "https:") {
      return {
        status: "warn",
        summary: `the first redirect stays on plain HTTP (${trail}); redirect straight to https on the same host`,
        evidence: hops.slice(0, 3),
      };
    }
    if (to.pathname !== from.pathname || to.search !== from.search) {
      return {
        status: "fail",
        summary: `the redirect drops the path or query: ${from.href} -> ${to.href}`,
        evidence: [first],
      };
    }
    if (outcome === "error") {
      return {
        status: "error",
        summary: `redirected to https, but the https request failed: ${last?.error}`,
        evidence: hops.slice(0, 3),
      };
    }
    if (!PERMANENT.has(first.response.status)) {
      return {
        status: "warn",
        summary: `redirected to https with a temporary ${first.response.status}; use 301 or 308 so browsers and HSTS preload treat it as permanent (${trail})`,
        evidence: [first],
      };
    }
    return { status: "pass", summary: `${trail}`, evidence: hops.slice(0, 2) };
  },
};
