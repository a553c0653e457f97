/**
 * A headers middleware's HSTS, as Traefik writes it from stsSeconds, stsIncludeSubdomains and
 * stsPreload, judged like every proxy's Strict-Transport-Security value. Labels, the file provider
 * and Middleware CRDs all arrive here as middlewares.
 */
import type { StaticRule } from "../../rule.js";
import { goBool, type TraefikMiddleware } from "../../traefik/model.js";
import { hstsWeakMeta, weakHstsFindings } from "../hsts-weak.js";

/** The header value Traefik sends, or undefined when stsSeconds is unset or 0 (no header at all). */
export function traefikHstsValue(middleware: TraefikMiddleware): string | undefined {
  if (middleware.kind !== "headers") return undefined;
  const { stsSeconds, stsIncludeSubdomains, stsPreload } = middleware.options;
  if (stsSeconds === undefined || Number(stsSeconds) === 0) return undefined;
  // Labels carry strings: "true" was typed already, anything else stays as written.
  const on = (flag: unknown) => goBool(flag) === true;
  return [
    `max-age=${String(stsSeconds)}`,
    ...(on(stsIncludeSubdomains) ? ["includeSubDomains"] : []),
    ...(on(stsPreload) ? ["preload"] : []),
  ].join("; ");
}

export const traefikHstsWeak: StaticRule = {
  meta: hstsWeakMeta("traefik-hsts-weak", {
    traefik: "headers middleware: stsSeconds: 31536000, stsIncludeSubdomains: true",
  }),
  check(input) {
    return (input.traefik?.middlewares ?? []).flatMap((middleware) => {
      const value = traefikHstsValue(middleware);
      return value === undefined ? [] : weakHstsFindings(value, middleware);
    });
  },
};
