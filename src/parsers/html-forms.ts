/**
 * Just enough HTML reading to find Django's CSRF form field and where the form posts:
 * tag attributes, not a DOM. Input is capped by the transport, so regexes stay cheap.
 */

/** A form that posts; `action` resolved against the page URL, undefined meaning "post to the page itself". */
export interface PostForm {
  action?: string;
  /** Django's csrfmiddlewaretoken value, when the form carries one. */
  token?: string;
}

export type CsrfForm = PostForm & { token: string };

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

/** Every POST form, in page order, with its csrfmiddlewaretoken when it has one: one linear pass over the tags. */
export function postForms(html: string): PostForm[] {
  const forms: PostForm[] = [];
  let open: PostForm | undefined;
  for (const [tag, closing, name] of html.matchAll(TAG)) {
    const kind = (name as string).toLowerCase();
    if (kind === "form") {
      const attrs = attributes(tag);
      const action = attrs.get("action");
      const post = !closing && (attrs.get("method") ?? "get").toLowerCase() === "post";
      open = post ? { ...(action ? { action } : {}) } : undefined;
      if (open) forms.push(open);
    } else if (kind === "input" && open && open.token === undefined) {
      const attrs = attributes(tag);
      const token = attrs.get("value");
      if (attrs.get("name") === "csrfmiddlewaretoken" && token) open.token = token;
    }
  }
  return forms;
}

/** POST forms carrying Django's csrfmiddlewaretoken field, in page order. */
export function csrfForms(html: string): CsrfForm[] {
  return postForms(html).filter((form): form is CsrfForm => form.token !== undefined);
}

/** The <title> text, to tell the app's page from a proxy's default page. */
export function pageTitle(html: string): string | undefined {
  const start = /<title\b[^<>]{0,2000}>/i.exec(html);
  if (!start) return undefined;
  const from = start.index + start[0].length;
  const end = html.slice(from).search(/<\/title\s*>/i);
  return end === -1 ? undefined : html.slice(from, from + end).trim();
}
