import type { LogCheck } from "./check.js";
import { clientHeadersCheck } from "./client-headers.js";
import { disallowedHostsCheck } from "./disallowed-hosts.js";
import { schemeListenerCheck } from "./scheme-listener.js";

/** In the order of the contract. */
export const LOG_CHECKS: LogCheck[] = [schemeListenerCheck, clientHeadersCheck, disallowedHostsCheck];
