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
  for (const m of tag.replace(/^<\s*\w+/, "").matchAll(re)) {
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

/** POST forms carrying Django's csrfmiddlewaretoken field, in page order. */
export function csrfForms(html: string): CsrfForm[] {
  const forms: CsrfForm[] = [];
  for (const m of html.matchAll(/<form\b[^>]*>([\s\S]*?)<\/form\s*>/gi)) {
    const formTag = /^<form\b[^>]*>/i.exec(m[0])?.[0] ?? "";
    const formAttrs = attributes(formTag);
    if ((formAttrs.get("method") ?? "get").toLowerCase() !== "post") continue;
    for (const input of (m[1] ?? "").matchAll(/<input\b[^>]*>/gi)) {
      const attrs = attributes(input[0]);
      if (attrs.get("name") === "csrfmiddlewaretoken" && attrs.get("value")) {
        const action = formAttrs.get("action");
        forms.push({ token: attrs.get("value") as string, action: action === "" ? undefined : action });
        break;
      }
    }
  }
  return forms;
}

/** The <title> text, to tell the app's page from a proxy's default page. */
export function pageTitle(html: string): string | undefined {
  return /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1]?.trim();
}
