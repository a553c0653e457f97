import { clientValueRule } from "./header-up.js";

export const caddyHeaderUpClientProto = clientValueRule(
  "caddy-header-up-client-proto",
  "spoofed-proto",
  [
    "x-forwarded-proto",
    "x-forwarded-ssl",
    "x-forwarded-protocol",
    "x-forwarded-scheme",
    "x-scheme",
    "forwarded",
  ],
  "header_up copies the client's scheme header",
  "A plain-HTTP request can claim to be https: secure cookies and the HTTPS redirect stop meaning anything.",
);
