import { clientValueRule } from "./header-up.js";

export const caddyHeaderUpClientIp = clientValueRule(
  "caddy-header-up-client-ip",
  "client-ip",
  ["x-forwarded-for", "x-real-ip", "x-client-ip", "true-client-ip"],
  "header_up copies the client's address header",
  "Anyone can choose the client address the app logs and rate-limits by.",
);
