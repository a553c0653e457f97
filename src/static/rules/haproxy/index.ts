import type { StaticRule } from "../../rule.js";
import { haproxyAcceptProxyOpen } from "./accept-proxy-open.js";
import { haproxyClientForwardedHost } from "./client-x-forwarded-host.js";
import { haproxyClientProto } from "./client-x-forwarded-proto.js";
import { haproxyClientRealIp } from "./client-x-real-ip.js";
import { haproxyForwardforKeepsClient } from "./forwardfor-keeps-client.js";
import { haproxyHostSetToBackend } from "./host-set-to-backend.js";
import { haproxyHstsDropped } from "./hsts-dropped.js";
import { haproxyHstsMissing } from "./hsts-missing.js";
import { haproxyHstsWeak } from "./hsts-weak.js";
import { haproxyNoHostCheck } from "./no-host-check.js";
import { haproxyNoHttpsRedirect } from "./no-https-redirect.js";
import { haproxySendProxyUnexpected } from "./send-proxy-unexpected.js";
import { haproxySchemeNotSet } from "./x-forwarded-proto-not-set.js";

export const haproxyRules: StaticRule[] = [
  haproxyClientProto,
  haproxyClientForwardedHost,
  haproxyClientRealIp,
  haproxyForwardforKeepsClient,
  haproxySchemeNotSet,
  haproxyNoHttpsRedirect,
  haproxyNoHostCheck,
  haproxyAcceptProxyOpen,
  haproxyHostSetToBackend,
  haproxyHstsMissing,
  haproxyHstsWeak,
  haproxyHstsDropped,
  haproxySendProxyUnexpected,
];
