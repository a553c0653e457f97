import { forwardedHeaderRule } from "./client-copy.js";

export const haproxyClientRealIp = forwardedHeaderRule({
  id: "haproxy-client-x-real-ip",
  clause: "client-ip",
  header: "X-Real-IP",
  title: "Client X-Real-IP reaches the app",
  harm: "an app that reads it (Django itself does not) logs and rate-limits by an address the client chose",
  fix: "http-request set-header X-Real-IP %[src]",
  untouched: "warn",
});
