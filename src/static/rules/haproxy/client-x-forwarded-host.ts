import { forwardedHeaderRule } from "./client-copy.js";

export const haproxyClientForwardedHost = forwardedHeaderRule({
  id: "haproxy-client-x-forwarded-host",
  clause: "forwarded-host",
  header: "X-Forwarded-Host",
  title: "Client X-Forwarded-Host reaches the app",
  harm: "with USE_X_FORWARDED_HOST the client picks request.get_host()",
  fix: "http-request set-header X-Forwarded-Host %[req.hdr(host)]",
  untouched: "ignore",
});
