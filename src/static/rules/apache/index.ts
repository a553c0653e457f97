import type { StaticRule } from "../../rule.js";
import { apacheProxyPreserveHostOff } from "./proxy-preserve-host-off.js";
import { apacheXForwardedProtoNotSet } from "./x-forwarded-proto-not-set.js";

/** Every Apache rule, in the order the report lists them. */
export const apacheRules: StaticRule[] = [apacheXForwardedProtoNotSet, apacheProxyPreserveHostOff];
