/** Every nginx rule, in the order the report lists them. */
import type { StaticRule } from "../../rule.js";
import { clientCertOptional } from "./client-cert-optional.js";
import { hostFromClient } from "./host-from-client.js";
import { hstsDropped } from "./hsts-dropped.js";
import { hstsMissing } from "./hsts-missing.js";
import { hstsWeak } from "./hsts-weak.js";
import { noCatchAllServer } from "./no-catch-all-server.js";
import { noHttpsRedirect } from "./no-https-redirect.js";
import { originCertificateUnverified } from "./origin-certificate-unverified.js";
import { nginxProxyHeaderUnderUwsgiPass } from "./proxy-header-under-uwsgi-pass.js";
import { proxyProtocolUntrusted } from "./proxy-protocol-untrusted.js";
import { realIpTooBroad } from "./real-ip-too-broad.js";
import { uwsgiHttpsNotPassed } from "./uwsgi-https-not-passed.js";
import { underscoresInHeaders } from "./underscores-in-headers.js";
import { xffFromClient } from "./xff-from-client.js";
import { xfhFromClient } from "./xfh-from-client.js";
import { xfpFromClient } from "./xfp-from-client.js";

export const nginxRules: StaticRule[] = [
  xfpFromClient,
  nginxProxyHeaderUnderUwsgiPass,
  uwsgiHttpsNotPassed,
  underscoresInHeaders,
  noHttpsRedirect,
  hstsMissing,
  hstsDropped,
  hstsWeak,
  hostFromClient,
  noCatchAllServer,
  xfhFromClient,
  realIpTooBroad,
  xffFromClient,
  proxyProtocolUntrusted,
  clientCertOptional,
  originCertificateUnverified,
];
