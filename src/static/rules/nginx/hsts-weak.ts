import type { StaticRule } from "../../rule.js";
import type { NginxDirective } from "../../nginx/model.js";
import { forEachNamed } from "../../nginx/scope.js";
import { hstsWeakMeta, weakHstsFindings } from "../hsts-weak.js";
import { HSTS_HEADER, hstsFromMoreSetHeaders } from "./shared.js";

function hstsValue(directive: NginxDirective): string | undefined {
  if (directive.name === "add_header" && directive.args[0]?.toLowerCase() === HSTS_HEADER)
    return directive.args[1] ?? "";
  return hstsFromMoreSetHeaders(directive);
}

export const hstsWeak: StaticRule = {
  meta: hstsWeakMeta("nginx-hsts-weak", {
    nginx: 'add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;',
  }),
  check(input) {
    if (!input.nginx) return [];
    const findings: ReturnType<StaticRule["check"]> = [];
    forEachNamed(input.nginx.root, ["add_header", "more_set_headers"], (directive) => {
      const value = hstsValue(directive);
      if (value !== undefined) findings.push(...weakHstsFindings(value, directive));
    });
    return findings;
  },
};
