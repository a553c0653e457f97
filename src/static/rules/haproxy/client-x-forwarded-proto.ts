import { forwardedHeaderRule } from "./client-copy.js";

export const haproxyClientProto = forwardedHeaderRule({
  id: "haproxy-client-x-forwarded-proto",
  clause: "spoofed-proto",
  header: "X-Forwarded-Proto",
  title: "Client X-Forwarded-Proto reaches the app",
  harm: "a plain-HTTP request can claim https (gunicorn trusts it from 127.0.0.1 by default, and so does SECURE_PROXY_SSL_HEADER)",
  fix: "http-request set-header X-Forwarded-Proto https if { ssl_fc }\nhttp-request set-header X-Forwarded-Proto http if !{ ssl_fc }",
  untouched: "fail",
});
