import type { StaticRule } from "../../rule.js";
import { apacheClientAddressPassed } from "./client-address-passed.js";
import { apacheHstsMissing } from "./hsts-missing.js";
import { apacheHstsWeak } from "./hsts-weak.js";
import { apacheNoHttpsRedirect } from "./no-https-redirect.js";
import { apacheProxyPreserveHostOff } from "./proxy-preserve-host-off.js";
import { apacheRemoteIpTrustsAny } from "./remoteip-trusts-any.js";
import { apacheWsgiSchemeBehindProxy } from "./wsgi-scheme-behind-proxy.js";
import { apacheWsgiTrustedProxyHeadersOpen } from "./wsgi-trusted-proxy-headers-open.js";
import { apacheXForwardedProtoHttpsOnPlain } from "./x-forwarded-proto-https-on-plain.js";
import { apacheXForwardedProtoNotSet } from "./x-forwarded-proto-not-set.js";

/** Every Apache rule, in the order the report lists them. */
export const apacheRules: StaticRule[] = [
  apacheXForwardedProtoNotSet,
  apacheXForwardedProtoHttpsOnPlain,
  apacheWsgiSchemeBehindProxy,
  apacheWsgiTrustedProxyHeadersOpen,
  apacheNoHttpsRedirect,
  apacheHstsMissing,
  apacheHstsWeak,
  apacheProxyPreserveHostOff,
  apacheRemoteIpTrustsAny,
  apacheClientAddressPassed,
];
