import type { StaticRule } from "../../rule.js";
import { headerActions } from "../../haproxy/queries.js";
import { hstsWeakMeta, weakHstsFindings } from "../hsts-weak.js";

export const haproxyHstsWeak: StaticRule = {
  meta: hstsWeakMeta("haproxy-hsts-weak", {
    haproxy:
      'http-response set-header Strict-Transport-Security "max-age=31536000; includeSubDomains" if { ssl_fc }',
  }),
  check(input) {
    if (!input.haproxy) return [];
    return headerActions(input.haproxy.sections, "http-response", ["Strict-Transport-Security"])
      .filter((a) => a.action !== "del-header")
      .flatMap(({ directive }) => weakHstsFindings(directive.args[2] ?? "", directive));
  },
};
