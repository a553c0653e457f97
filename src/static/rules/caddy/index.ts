import type { StaticRule } from "../../rule.js";
import { caddyAutoHttpsRedirectsOff } from "./auto-https-redirects-off.js";
import { caddyClientXRealIp } from "./client-x-real-ip.js";
import { caddyHeaderUpClientHost } from "./header-up-client-host.js";
import { caddyHeaderUpClientIp } from "./header-up-client-ip.js";
import { caddyHeaderUpClientProto } from "./header-up-client-proto.js";
import { caddyHeaderUpHostUpstream } from "./header-up-host-upstream.js";
import { caddyHstsDropped } from "./hsts-dropped.js";
import { caddyHstsMissing } from "./hsts-missing.js";
import { caddyHstsWeak } from "./hsts-weak.js";
import { caddyHttpSiteProxies } from "./http-site-proxies.js";
import { caddyTrustedProxiesClientIp } from "./trusted-proxies-client-ip.js";
import { caddyTrustedProxiesProto } from "./trusted-proxies-proto.js";

export const caddyRules: StaticRule[] = [
  caddyTrustedProxiesProto,
  caddyTrustedProxiesClientIp,
  caddyHeaderUpClientProto,
  caddyHeaderUpClientHost,
  caddyHeaderUpClientIp,
  caddyClientXRealIp,
  caddyHeaderUpHostUpstream,
  caddyHttpSiteProxies,
  caddyAutoHttpsRedirectsOff,
  caddyHstsMissing,
  caddyHstsDropped,
  caddyHstsWeak,
];
