/** Where a Caddy site sets Strict-Transport-Security, and to what: what both HSTS rules read. */
import { walkDirectives, type CaddyDirective, type CaddySite } from "../../caddy/model.js";
import { isMatcherToken } from "../../caddy/queries.js";

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
