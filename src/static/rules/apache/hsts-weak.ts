import { appHosts, responseHeaderValues } from "../../apache/queries.js";
import type { StaticRule } from "../../rule.js";
import { hstsWeakMeta, weakHstsFindings } from "../hsts-weak.js";

export const apacheHstsWeak: StaticRule = {
  meta: hstsWeakMeta("apache-hsts-weak", {
    apache: 'Header always set Strict-Transport-Security "max-age=31536000; includeSubDomains"',
  }),
  check(input) {
    if (!input.apache) return [];
    const seen = new Set<string>();
    return appHosts(input.apache)
      .filter(({ host }) => host.tls)
      .flatMap(({ host }) => responseHeaderValues(host, "Strict-Transport-Security"))
      .filter(({ directive }) => {
        const key = `${directive.file}:${directive.line}`;
        return !seen.has(key) && seen.add(key);
      })
      .flatMap(({ directive, value }) => weakHstsFindings(value, directive));
  },
};
