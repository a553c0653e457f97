/**
 * Just enough HTML reading to find Django's CSRF form field and where the form posts:
 * tag attributes, not a DOM. Input is capped by the transport, so regexes stay cheap.
 */

export interface CsrfForm {
  /** Resolved against the page URL; undefined means "post to the page itself". */
  action?: string;
  token: string;
}

function attributes(tag: string): Map<string, string> {
  const attrs = new Map<string, string>();
  const re = /([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  for (const m of tag.replace(/^<\/?\s*\w+/, "").matchAll(re)) {
    const name = (m[1] as string).toLowerCase();
    if (!attrs.has(name)) attrs.set(name, decodeEntities(m[2] ?? m[3] ?? m[4] ?? ""));
  }
  return attrs;
}

function decodeEntities(value: string): string {
  return value
    .replace(/&amp;/g, "&")
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">");
}

/** Tag attributes longer than this are not Django's forms; the bound keeps the scan linear. */
const TAG = /<(\/?)(form|input|title)\b([^<>]{0,2000})>/gi;

/** POST forms carrying Django's csrfmiddlewaretoken field, in page order: one linear pass over the tags. */
export function csrfForms(html: string): CsrfForm[] {
  const forms: CsrfForm[] = [];
  let open: { post: boolean; action?: string; found: boolean } | undefined;
  for (const [tag, closing, name] of html.matchAll(TAG)) {
    const kind = (name as string).toLowerCase();
    if (kind === "form") {
      const attrs = attributes(tag);
      const action = attrs.get("action");
      open = closing
        ? undefined
        : {
            post: (attrs.get("method") ?? "get").toLowerCase() === "post",
            action: action === "" ? undefined : action,
            found: false,
          };
    } else if (kind === "input" && open?.post && !open.found) {
      const attrs = attributes(tag);
      const token = attrs.get("value");
      if (attrs.get("name") === "csrfmiddlewaretoken" && token) {
        open.found = true;
        forms.push({ token, action: open.action });
      }
    }
  }
  return forms;
}

/** The <title> text, to tell the app's page from a proxy's default page. */
export function pageTitle(html: string): string | undefined {
  const start = /<title\b[^<>]{0,2000}>/i.exec(html);
  if (!start) return undefined;
  const from = start.index + start[0].length;
  const end = html.slice(from).search(/<\/title\s*>/i);
  return end === -1 ? undefined : html.slice(from, from + end).trim();
}
