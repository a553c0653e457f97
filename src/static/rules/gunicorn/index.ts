import type { StaticRule } from "../../rule.js";
import { gunicornBindAllInterfaces } from "./bind-all-interfaces.js";
import { gunicornForwardedAllowIpsMissesProxy } from "./forwarded-allow-ips-misses-proxy.js";
import { gunicornForwardedAllowIpsWildcard } from "./forwarded-allow-ips-wildcard.js";
import { gunicornTerminatesTls } from "./terminates-tls.js";

export const gunicornRules: StaticRule[] = [
  gunicornForwardedAllowIpsWildcard,
  gunicornForwardedAllowIpsMissesProxy,
  gunicornBindAllInterfaces,
  gunicornTerminatesTls,
];
