/** Where a Caddy site sets Strict-Transport-Security, and to what: what both HSTS rules read. */
import { walkDirectives, type CaddyDirective, type CaddySite } from "./model.js";
import { isMatcherToken } from "./queries.js";

const HSTS = "strict-transport-security";

export interface HstsField {
  value: string;
  at: { file: string; line: number };
}

/** `+` adds, `>` defers the write, `?` sets it only when the response has none: each sends the header. */
function isHstsField(field: string | undefined): boolean {
  return field !== undefined && field.replace(/^[+>?]/, "").toLowerCase() === HSTS;
}

/** `header [matcher] [+|>|?]Strict-Transport-Security value`, or the same field inside a `header { }` block. */
function hstsFieldsOf(header: CaddyDirective): HstsField[] {
  const args = isMatcherToken(header.args[0]) ? header.args.slice(1) : header.args;
  const inline = isHstsField(args[0]) ? [{ value: args.slice(1).join(" "), at: header }] : [];
  const block = (header.block ?? [])
    .filter((d) => isHstsField(d.name))
    .map((d) => ({ value: d.args.join(" "), at: d }));
  return [...inline, ...block].map(({ value, at }) => ({ value, at: { file: at.file, line: at.line } }));
}

export function hstsFields(site: CaddySite): HstsField[] {
  return [...walkDirectives(site.directives)].filter((d) => d.name === "header").flatMap(hstsFieldsOf);
}

/**
 * Where a site deletes Strict-Transport-Security from responses: `header [matcher] -Strict-Transport-Security`
 * (or the same line in a `header { }` block), and `header_down -Strict-Transport-Security` in a reverse_proxy.
 */
export function hstsDeletions(site: CaddySite): CaddyDirective[] {
  const isDeletion = (field: string | undefined) => field?.toLowerCase() === `-${HSTS}`;
  return [...walkDirectives(site.directives)].flatMap((d) => {
    if (d.name === "header_down") return isDeletion(d.args[0]) ? [d] : [];
    if (d.name !== "header") return [];
    const args = isMatcherToken(d.args[0]) ? d.args.slice(1) : d.args;
    return [
      ...(isDeletion(args[0]) ? [d] : []),
      ...(d.block ?? []).filter((inner) => isDeletion(inner.name)),
    ];
  });
}
