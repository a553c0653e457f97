import type { LiveCheck } from "./check.js";
import { clientIpCheck } from "./client-ip.js";
import { cookieFlagsCheck } from "./cookie-flags.js";
import { csrfOriginCheck } from "./csrf-origin.js";
import { forwardedHostCheck } from "./forwarded-host.js";
import { healthExemptCheck } from "./health-exempt.js";
import { hostHeaderCheck } from "./host-header.js";
import { hstsCheck } from "./hsts.js";
import { httpsRedirectCheck } from "./https-redirect.js";
import { originExposureCheck } from "./origin-exposure.js";
import { originMtlsCheck } from "./origin-mtls.js";
import { proxyProtocolCheck } from "./proxy-protocol.js";
import { schemeCheck } from "./scheme.js";
import { spoofedProtoCheck } from "./spoofed-proto.js";

/** In the order of the contract. */
export const LIVE_CHECKS: LiveCheck[] = [
  schemeCheck,
  spoofedProtoCheck,
  httpsRedirectCheck,
  hstsCheck,
  cookieFlagsCheck,
  hostHeaderCheck,
  forwardedHostCheck,
  csrfOriginCheck,
  healthExemptCheck,
  originExposureCheck,
  originMtlsCheck,
  clientIpCheck,
  proxyProtocolCheck,
];
