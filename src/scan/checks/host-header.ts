import { headerValue } from "../../parsers/headers.js";
import { setCookies } from "../../parsers/cookies.js";
import { pageTitle } from "../../parsers/html-forms.js";
import type { Captured, HostProbe } from "../evidence.js";
import { describeOutcome, timedOut, type LiveCheck } from "./check.js";

/** Where a response repeats an injected host: a poisoned absolute URL, redirect or cookie. */
export function reflection(captured: Captured, injected: string): string | undefined {
  const response = captured.response;
  if (!response) return undefined;
  const needle = injected.toLowerCase();
  const location = headerValue(response.headers, "location");
  if (location?.toLowerCase().includes(needle)) return `Location: ${location}`;
  const cookie = setCookies(response.headers).find((c) => c.domain?.toLowerCase().includes(needle));
  if (cookie) return `Set-Cookie domain ${cookie.domain}`;
  // Error pages (Django's DEBUG 400 page names the bad host) reject the request; that is no poisoning.
  if (response.status < 400 && response.body.toLowerCase().includes(needle)) return "the response body";
  return undefined;
}

/**
 * Whether an answer is the real site's page: the same status and the same title, cookie names or body
 * ("app"), a different status, redirect or title ("other"), or a success with nothing to compare: no
 * title on either side, no cookie, and bodies that differ, as a JSON answer with a request id does.
 */
function compareWithApp(
  captured: Captured,
  baseline: Captured,
  siteHost: string,
): "app" | "other" | "unknown" {
  const a = captured.response;
  const b = baseline.response;
  if (!a || !b || a.status !== b.status || a.status >= 400) return "other";
  const location = headerValue(a.headers, "location");
  if (location !== undefined || headerValue(b.headers, "location") !== undefined) {
    if (location !== headerValue(b.headers, "location")) return "other";
    // An absolute https redirect to the real site sends the client back where it belongs, whoever sent it.
    return location?.toLowerCase().startsWith(`https://${siteHost.toLowerCase()}`) ? "other" : "app";
  }
  const names = (h: Captured) => new Set(setCookies(h.response?.headers ?? []).map((c) => c.name));
  const baseNames = names(baseline);
  if ([...names(captured)].some((n) => baseNames.has(n)) || a.body === b.body) return "app";
  const titleA = pageTitle(a.body);
  const titleB = pageTitle(b.body);
  if (titleA === undefined && titleB === undefined) return "unknown";
  return titleA === titleB ? "app" : "other";
}

function rejectedHow(captured: Captured): string {
  if (captured.error) return `refused (${captured.error})`;
  const server = headerValue(captured.response?.headers ?? [], "server");
  return `answered ${describeOutcome(captured)}${server ? ` by ${server}` : ""}`;
}

function baselineFor(probe: HostProbe, e: Parameters<LiveCheck["judge"]>[0]): Captured | undefined {
  return probe.kind === "foreign-host-http" ? e.baselines.http.get : e.baselines.https.get;
}

/** An unknown Host is rejected and never served by the app. */
export const hostHeaderCheck: LiveCheck = {
  clause: "host-header",
  severity: "high",
  judge(e) {
    const problems: { text: string; captured: Captured }[] = [];
    const rejected: string[] = [];
    const undecided: string[] = [];
    const notes: string[] = [];
    for (const probe of e.hostProbes) {
      const reflected = reflection(probe.captured, probe.injected);
      if (probe.kind === "odd-port") {
        // The host itself is the real one and passed ALLOWED_HOSTS; a reflected port matters only to caches.
        if (reflected)
          notes.push(
            `${probe.captured.label}: the port came back in ${reflected} (harmless unless a cache keys on it)`,
          );
        continue;
      }
      // A plain-HTTP redirect to https on the same name is the proxy's generic upgrade, not the app.
      const genericUpgrade =
        probe.kind === "foreign-host-http" && reflected?.startsWith("Location: https://");
      if (reflected && !genericUpgrade) {
        problems.push({
          text: `${probe.captured.label}: the injected host came back in ${reflected}`,
          captured: probe.captured,
        });
        continue;
      }
      const baseline = baselineFor(probe, e);
      if (timedOut(probe.captured)) {
        undecided.push(`${probe.captured.label}: ${probe.captured.error}`);
      } else if (!baseline?.response) {
        undecided.push(`${probe.captured.label}: no baseline on that scheme to compare with`);
      } else if (probe.captured.response?.brokenOff || baseline.response.brokenOff) {
        // Half an answer cannot be compared with the real site's page: no evidence of a refusal.
        undecided.push(`${probe.captured.label}: an answer broke off before its end`);
      } else {
        const page = compareWithApp(probe.captured, baseline, e.siteHost);
        if (page === "app")
          problems.push({
            text: `${probe.captured.label}: served by the app (${describeOutcome(probe.captured)}, same page as the real host)`,
            captured: probe.captured,
          });
        else if (page === "unknown")
          undecided.push(
            `${probe.captured.label}: answered ${describeOutcome(probe.captured)} as the real host does, with no title or cookie to tell the pages apart`,
          );
        else rejected.push(`${probe.captured.label}: ${rejectedHow(probe.captured)}`);
      }
    }
    if (problems.length) {
      return {
        status: "fail",
        summary: problems.map((p) => p.text).join("\n"),
        evidence: problems.map((p) => p.captured).slice(0, 3),
      };
    }
    if (rejected.length === 0) {
      return {
        status: "error",
        summary: `could not judge any foreign-host answer: ${undecided.join("; ")}`,
        evidence: [],
      };
    }
    return {
      status: "pass",
      summary: `unknown hosts were not served by the app:\n${[...rejected, ...undecided, ...notes].join("\n")}`,
      evidence: e.hostProbes.map((p) => p.captured).slice(0, 2),
    };
  },
};
