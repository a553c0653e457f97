import { parseSetCookie, type Cookie } from "set-cookie-parser";
import type { HeaderList } from "../report/model.js";
import { headerValues } from "./headers.js";

export interface SetCookie extends Cookie {
  /** The Set-Cookie line as received, for evidence. */
  line: string;
}

// Several checks read the same captured responses' cookies: each header list is parsed once.
const parsed = new WeakMap<HeaderList, readonly SetCookie[]>();

/** Every Set-Cookie line of a response, each parsed on its own (no comma splitting). */
export function setCookies(headers: HeaderList): readonly SetCookie[] {
  let cookies = parsed.get(headers);
  if (!cookies) {
    cookies = headerValues(headers, "set-cookie").flatMap((line) =>
      parseSetCookie(line, { decodeValues: false, split: false }).map((cookie) => ({ ...cookie, line })),
    );
    parsed.set(headers, cookies);
  }
  return cookies;
}

/** A cookie that deletes itself is not a credential being handed out. Max-Age wins over Expires (RFC 6265 §5.3). */
export function isDeletion(cookie: Cookie): boolean {
  if (cookie.maxAge !== undefined) return cookie.maxAge <= 0;
  return cookie.expires !== undefined && cookie.expires.getTime() < Date.now();
}

/** Django's session and CSRF cookies by default name, and the usual custom names. */
export function cookieRole(name: string): "session" | "csrf" | undefined {
  const bare = name.replace(/^__(Host|Secure)-/, "");
  if (/csrf|xsrf/i.test(bare)) return "csrf";
  if (/sess|^sid$|auth|jwt|remember/i.test(bare)) return "session";
  return undefined;
}
