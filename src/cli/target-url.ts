/** The URL of a site to scan, as given on the command line, in a targets file or in the config file. */
import { hasControl, quoted } from "../report/quote.js";
import { UsageError } from "./usage-error.js";

export function parseTarget(raw: string): URL {
  // The URL parser would encode spaces and drop line breaks: what was typed is not what would be sent.
  if (/\s/.test(raw) || hasControl(raw))
    throw new UsageError(
      `${quoted(raw)} contains a space, line break or control character (percent-encode it, e.g. %20)`,
    );
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`${quoted(raw)} is not a URL (expected e.g. https://app.example.com/)`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new UsageError(`${quoted(raw)} is not an http:// or https:// URL`);
  }
  if (url.username || url.password)
    throw new UsageError("credentials in the URL are not supported; use --header");
  url.hash = "";
  return url;
}
