import type { RuleFinding, StaticRule } from "../../rule.js";
import { headerActions, type HeaderAction } from "../../haproxy/queries.js";
import { hstsWeakMeta, weakHstsFindings } from "../hsts-weak.js";

const HSTS = "Strict-Transport-Security";

/**
 * replace-header and replace-value swap the whole value (each comma-separated one, for replace-value: HSTS has
 * none) for the replacement wherever the regex matches, so the header becomes the replacement. A replacement
 * built from the match (`\1`) or from variables (`%[...]`) cannot be read here: a warning, not a pass.
 */
function replacedHstsFindings({ directive, action }: HeaderAction): RuleFinding[] {
  const replacement = directive.args[3] ?? "";
  const rule = `${directive.keyword} ${action} ${HSTS}`;
  if (/\\\d|%/.test(replacement))
    return [
      {
        status: "warn",
        message: `${rule} rewrites the header to "${replacement}", built from what its regex matched or from variables: whether the result keeps a max-age of a year and includeSubDomains cannot be told from the config.`,
        location: { file: directive.file, line: directive.line },
      },
    ];
  return weakHstsFindings(replacement, directive).map((finding) => ({
    ...finding,
    message: `${rule} rewrites the header where its regex matches: ${finding.message}`,
  }));
}

export const haproxyHstsWeak: StaticRule = {
  meta: hstsWeakMeta(
    "haproxy-hsts-weak",
    {
      haproxy: `http-response set-header ${HSTS} "max-age=31536000; includeSubDomains" if { ssl_fc }`,
    },
    "`http-response replace-header` (or replace-value) on the header is judged on the value it writes; one built from what the regex matched (`\\1`) or from variables cannot be read from the config: a warning.",
  ),
  check(input) {
    if (!input.haproxy) return [];
    return headerActions(
      input.haproxy.sections,
      "http-response",
      [HSTS],
      ["set-header", "add-header", "replace-header", "replace-value"],
    ).flatMap((action) =>
      action.action === "set-header" || action.action === "add-header"
        ? weakHstsFindings(action.directive.args[2] ?? "", action.directive)
        : replacedHstsFindings(action),
    );
  },
};
