/** Every Django settings rule, in report order. */
import type { StaticRule } from "../../rule.js";
import { allowedHostsEmpty, allowedHostsMalformed, allowedHostsWildcard } from "./allowed-hosts.js";
import { contentTypeNosniff } from "./content-type-nosniff.js";
import { csrfCookieSecure, sessionCookieHttpOnly, sessionCookieSecure } from "./cookie-secure.js";
import { csrfMiddleware } from "./csrf-middleware.js";
import { csrfTrustedOrigins } from "./csrf-trusted-origins.js";
import { debug } from "./debug.js";
import { envBoolUncast } from "./env-bool-uncast.js";
import { forwardedHost, forwardedPort } from "./forwarded-host.js";
import { hstsMissing, hstsPreload, hstsShort, hstsSubdomains } from "./hsts.js";
import { proxySslHeader } from "./proxy-ssl-header.js";
import { redirectExempt } from "./redirect-exempt.js";
import { referrerPolicy } from "./referrer-policy.js";
import { samesiteNone } from "./samesite-none.js";
import { secretKey } from "./secret-key.js";
import { securityMiddleware } from "./security-middleware.js";
import { sslRedirect } from "./ssl-redirect.js";
import { xframeMiddleware } from "./xframe-middleware.js";
import { xframeOptions } from "./xframe-options.js";

export const djangoRules: StaticRule[] = [
  proxySslHeader,
  allowedHostsWildcard,
  allowedHostsMalformed,
  allowedHostsEmpty,
  forwardedHost,
  forwardedPort,
  csrfTrustedOrigins,
  sslRedirect,
  redirectExempt,
  securityMiddleware,
  hstsMissing,
  hstsShort,
  hstsSubdomains,
  hstsPreload,
  sessionCookieSecure,
  sessionCookieHttpOnly,
  csrfCookieSecure,
  samesiteNone,
  csrfMiddleware,
  debug,
  secretKey,
  envBoolUncast,
  xframeMiddleware,
  xframeOptions,
  contentTypeNosniff,
  referrerPolicy,
];
