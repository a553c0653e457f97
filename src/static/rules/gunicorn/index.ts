import type { StaticRule } from "../../rule.js";
import { gunicornBindAllInterfaces } from "./bind-all-interfaces.js";
import { gunicornForwardedAllowIpsMissesProxy } from "./forwarded-allow-ips-misses-proxy.js";
import { gunicornForwardedAllowIpsWildcard } from "./forwarded-allow-ips-wildcard.js";
import { gunicornTerminatesTls } from "./terminates-tls.js";
import { gunicornTlsClientAddressHeaders } from "./tls-client-address-headers.js";

export const gunicornRules: StaticRule[] = [
  gunicornForwardedAllowIpsWildcard,
  gunicornForwardedAllowIpsMissesProxy,
  gunicornBindAllInterfaces,
  gunicornTerminatesTls,
  gunicornTlsClientAddressHeaders,
];
