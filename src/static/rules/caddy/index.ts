import type { StaticRule } from "../../rule.js";
import { caddyAutoHttpsRedirectsOff } from "./auto-https-redirects-off.js";
import {
  caddyHeaderUpClientHost,
  caddyHeaderUpClientIp,
  caddyHeaderUpClientProto,
  caddyHeaderUpHostUpstream,
} from "./header-up.js";
import { caddyHstsMissing } from "./hsts.js";
import { caddyHttpSiteProxies } from "./http-site-proxies.js";
import { caddyTrustedProxiesClientIp, caddyTrustedProxiesProto } from "./trusted-proxies.js";

export const caddyRules: StaticRule[] = [
  caddyTrustedProxiesProto,
  caddyTrustedProxiesClientIp,
  caddyHeaderUpClientProto,
  caddyHeaderUpClientHost,
  caddyHeaderUpClientIp,
  caddyHeaderUpHostUpstream,
  caddyHttpSiteProxies,
  caddyAutoHttpsRedirectsOff,
  caddyHstsMissing,
];
