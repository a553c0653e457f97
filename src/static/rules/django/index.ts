/** Every Django settings rule, in report order. */
import type { StaticRule } from "../../rule.js";
import { allowedHostsEmpty } from "./allowed-hosts-empty.js";
import { allowedHostsMalformed } from "./allowed-hosts-malformed.js";
import { allowedHostsWildcard } from "./allowed-hosts-wildcard.js";
import { contentTypeNosniff } from "./content-type-nosniff.js";
import { csrfCookieSecure } from "./csrf-cookie-secure.js";
import { csrfMiddleware } from "./csrf-middleware.js";
import { csrfTrustedOrigins } from "./csrf-trusted-origins.js";
import { debug } from "./debug.js";
import { envBoolUncast } from "./env-bool-uncast.js";
import { hstsMissing } from "./hsts-missing.js";
import { hstsPreload } from "./hsts-preload.js";
import { hstsShort } from "./hsts-short.js";
import { hstsSubdomains } from "./hsts-subdomains.js";
import { proxySslHeader } from "./proxy-ssl-header.js";
import { redirectExempt } from "./redirect-exempt.js";
import { referrerPolicy } from "./referrer-policy.js";
import { samesiteNone } from "./samesite-none.js";
import { secretKey } from "./secret-key.js";
import { securityMiddleware } from "./security-middleware.js";
import { sessionCookieHttpOnly } from "./session-cookie-httponly.js";
import { sessionCookieSecure } from "./session-cookie-secure.js";
import { sslRedirect } from "./ssl-redirect.js";
import { forwardedHost } from "./use-x-forwarded-host.js";
import { forwardedPort } from "./use-x-forwarded-port.js";
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
