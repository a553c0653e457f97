import type { StaticRule } from "../../rule.js";
import { traefikForwardedHeadersTrusted } from "./forwarded-headers.js";
import { traefikHostNotPassed } from "./host-not-passed.js";
import { traefikHstsMissing } from "./hsts-missing.js";
import { traefikHstsWeak } from "./hsts-weak.js";
import { traefikPlainHttpServed } from "./plain-http-served.js";
import { traefikProxyProtocolTrusted } from "./proxy-protocol.js";
import { traefikRouterWithoutHost } from "./router-without-host.js";

export const traefikRules: StaticRule[] = [
  traefikForwardedHeadersTrusted,
  traefikProxyProtocolTrusted,
  traefikPlainHttpServed,
  traefikRouterWithoutHost,
  traefikHstsMissing,
  traefikHstsWeak,
  traefikHostNotPassed,
];
