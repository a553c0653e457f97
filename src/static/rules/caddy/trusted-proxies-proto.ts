import { trustedProxiesRule } from "./trusted-proxies.js";

export const caddyTrustedProxiesProto = trustedProxiesRule(
  "caddy-trusted-proxies-proto",
  "spoofed-proto",
  "trusted_proxies lets clients set X-Forwarded-Proto",
  "Caddy keeps their X-Forwarded-Proto, so a plain-HTTP request can claim to be https",
);
