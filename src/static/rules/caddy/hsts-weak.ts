import type { StaticRule } from "../../rule.js";
import { hstsWeakMeta, weakHstsFindings } from "../hsts-weak.js";
import { hstsFields } from "../../caddy/hsts-header.js";

export const caddyHstsWeak: StaticRule = {
  meta: hstsWeakMeta("caddy-hsts-weak", {
    caddy: 'header Strict-Transport-Security "max-age=31536000; includeSubDomains"',
  }),
  check(input) {
    if (!input.caddy) return [];
    return input.caddy.sites.flatMap(hstsFields).flatMap(({ value, at }) => weakHstsFindings(value, at));
  },
};
