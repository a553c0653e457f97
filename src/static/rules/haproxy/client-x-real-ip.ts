import { forwardedHeaderRule } from "./client-copy.js";

export const haproxyClientRealIp = forwardedHeaderRule({
  id: "haproxy-client-x-real-ip",
  clause: "client-ip",
  header: "X-Real-IP",
  title: "Client X-Real-IP reaches the app",
  harm: "the client chooses the address the app logs and rate-limits by",
  fix: "http-request set-header X-Real-IP %[src]",
  reportUntouched: false,
});
