import { trustedProxiesRule } from "./trusted-proxies.js";

export const caddyTrustedProxiesClientIp = trustedProxiesRule(
  "caddy-trusted-proxies-client-ip",
  "client-ip",
  "trusted_proxies lets clients set X-Forwarded-For",
  "Caddy keeps their X-Forwarded-For, so they choose the client address Django sees",
);
