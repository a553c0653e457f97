import type { StaticRule } from "../../rule.js";
import { ingressNginxForwardedHeadersTrusted } from "./forwarded-headers-trusted.js";
import { ingressNginxHstsWeak } from "./hsts-weak.js";
import { ingressNginxRealIpCidrOpen } from "./real-ip-cidr-open.js";
import { ingressNginxSnippetClientHeader } from "./snippet-client-header.js";
import { ingressNginxSslRedirectOff } from "./ssl-redirect-off.js";
import { ingressNginxUpstreamVhost } from "./upstream-vhost.js";

export const ingressNginxRules: StaticRule[] = [
  ingressNginxForwardedHeadersTrusted,
  ingressNginxRealIpCidrOpen,
  ingressNginxSnippetClientHeader,
  ingressNginxUpstreamVhost,
  ingressNginxSslRedirectOff,
  ingressNginxHstsWeak,
];
