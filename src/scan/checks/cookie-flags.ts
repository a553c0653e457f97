import { cookieRole, isDeletion, setCookies, type SetCookie } from "../../parsers/cookies.js";
import type { Captured, Leg } from "../evidence.js";
import type { LiveCheck } from "./check.js";

interface Seen {
  leg: Leg;
  cookie: SetCookie;
  role: "session" | "csrf";
  source: Captured;
}

/** What is wrong with one sensitive cookie, as [severity, text] pairs. */
function problems({ leg, cookie, role }: Seen): ["fail" | "warn", string][] {
  if (leg === "http") return [["fail", `${cookie.name} is set over plain HTTP`]];
  const found: ["fail" | "warn", string][] = [];
  const sameSite = cookie.sameSite?.toLowerCase();
  if (!cookie.secure) found.push(["fail", `${cookie.name} lacks Secure`]);
  if (role === "session" && !cookie.httpOnly) found.push(["fail", `${cookie.name} (session) lacks HttpOnly`]);
  if (!sameSite) found.push(["warn", `${cookie.name} has no SameSite`]);
  // Browsers ignore a value they do not know, as if the attribute were absent (RFC 6265bis).
  else if (!["lax", "strict", "none"].includes(sameSite))
    found.push(["warn", `${cookie.name} has SameSite=${cookie.sameSite}, which browsers ignore`]);
  if (sameSite === "none" && !cookie.secure)
    found.push(["fail", `${cookie.name} has SameSite=None without Secure (browsers drop it)`]);
  if (cookie.name.startsWith("__Host-") && (!cookie.secure || cookie.domain || cookie.path !== "/")) {
    found.push([
      "fail",
      `${cookie.name} breaks the __Host- prefix rules (Secure, Path=/, no Domain), so browsers reject it`,
    ]);
  }
  if (cookie.name.startsWith("__Secure-") && !cookie.secure) {
    found.push(["fail", `${cookie.name} breaks the __Secure- prefix rule (Secure), so browsers reject it`]);
  }
  return found;
}

function flags(cookie: SetCookie): string {
  return [
    cookie.secure ? "Secure" : "",
    cookie.httpOnly ? "HttpOnly" : "",
    cookie.sameSite ? `SameSite=${cookie.sameSite}` : "",
  ]
    .filter(Boolean)
    .join(", ");
}

/** Every session and CSRF cookie is Secure, the session cookie HttpOnly, SameSite set, none over plain HTTP. */
export const cookieFlagsCheck: LiveCheck = {
  clause: "cookie-flags",
  severity: "high",
  judge(e) {
    const seen: Seen[] = [];
    const keys = new Set<string>();
    for (const { leg, captured } of e.cookieSources) {
      for (const cookie of setCookies(captured.response?.headers ?? [])) {
        const role = cookieRole(cookie.name);
        const key = `${leg} ${cookie.line}`;
        if (!role || isDeletion(cookie) || keys.has(key)) continue;
        keys.add(key);
        seen.push({ leg, cookie, role, source: captured });
      }
    }
    if (seen.length === 0) {
      const pages = e.cookieSources.map((s) => s.captured.request.url).join(", ");
      return {
        status: "skip",
        summary: `no session or CSRF cookie was set on the pages probed (${pages})${e.cookiePath ? "" : "; name one with --cookie-path"}`,
        evidence: [],
      };
    }
    const found = seen.flatMap((s) =>
      problems(s).map(([level, text]) => ({ level, text, source: s.source })),
    );
    const failures = found.filter((f) => f.level === "fail");
    const worst = failures.length ? failures : found;
    if (worst.length) {
      return {
        status: failures.length ? "fail" : "warn",
        summary: [...new Set(worst.map((f) => f.text))].join("; "),
        evidence: [...new Set(worst.map((f) => f.source))].slice(0, 3),
      };
    }
    const names = [...new Set(seen.map((s) => `${s.cookie.name}: ${flags(s.cookie)}`))];
    const missingSession = seen.some((s) => s.role === "session")
      ? ""
      : " (no session cookie was set on the pages probed)";
    return {
      status: "pass",
      summary: `${names.join("; ")}${missingSession}`,
      evidence: [seen[0]?.source as Captured],
    };
  },
};
