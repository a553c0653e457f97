/** Rules over both sides at once: Django's settings (and gunicorn's) against the proxy's config. */
import type { StaticRule } from "../../rule.js";
import { allowedHostsVsProxy } from "./allowed-hosts.js";
import { clientAddressFirstEntry } from "./client-address-first-entry.js";
import { csrfOriginVsProxy } from "./csrf-origin.js";
import { forwardedHostFromClient, forwardedPortFromClient } from "./forwarded-host-from-client.js";
import { healthExemptVsProxy } from "./health-exempt.js";
import { hstsNeverSent } from "./hsts-never-sent.js";
import { proxySslHeaderWithGunicornTls } from "./proxy-ssl-header-with-gunicorn-tls.js";
import { plainHttpUnredirected } from "./plain-http-unredirected.js";
import { redirectToRewrittenHost } from "./redirect-to-rewritten-host.js";
import { schemeHeaderFromClient } from "./scheme-header-from-client.js";
import { schemeNotConveyed } from "./scheme-not-conveyed.js";
import { sslRedirectLoop } from "./ssl-redirect-loop.js";

export const contractRules: StaticRule[] = [
  schemeNotConveyed,
  schemeHeaderFromClient,
  sslRedirectLoop,
  plainHttpUnredirected,
  redirectToRewrittenHost,
  hstsNeverSent,
  allowedHostsVsProxy,
  forwardedHostFromClient,
  forwardedPortFromClient,
  csrfOriginVsProxy,
  healthExemptVsProxy,
  proxySslHeaderWithGunicornTls,
  clientAddressFirstEntry,
];
