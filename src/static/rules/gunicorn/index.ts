import type { StaticRule } from "../../rule.js";
import {
  gunicornForwardedAllowIpsMissesProxy,
  gunicornForwardedAllowIpsWildcard,
} from "./forwarded-allow-ips.js";
import { gunicornBindAllInterfaces, gunicornTerminatesTls } from "./listening.js";

export const gunicornRules: StaticRule[] = [
  gunicornForwardedAllowIpsWildcard,
  gunicornForwardedAllowIpsMissesProxy,
  gunicornBindAllInterfaces,
  gunicornTerminatesTls,
];
