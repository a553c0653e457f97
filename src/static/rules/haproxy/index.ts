import type { StaticRule } from "../../rule.js";
import { haproxyAcceptProxyOpen, haproxyHostSetToBackend } from "./binds-and-hosts.js";
import {
  haproxyHstsMissing,
  haproxyNoHostCheck,
  haproxyNoHttpsRedirect,
  haproxySchemeNotSet,
} from "./entry-points.js";
import {
  haproxyClientForwardedHost,
  haproxyClientProto,
  haproxyClientRealIp,
  haproxyForwardforKeepsClient,
} from "./forwarded-headers.js";
import { haproxySendProxyUnexpected } from "./send-proxy.js";

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
  haproxySendProxyUnexpected,
];
