import type { StaticRule } from "../../rule.js";
import { traefikForwardedHeadersTrusted } from "./forwarded-headers.js";
import {
  traefikHostNotPassed,
  traefikHstsMissing,
  traefikPlainHttpServed,
  traefikRouterWithoutHost,
} from "./routers.js";

export const traefikRules: StaticRule[] = [
  traefikForwardedHeadersTrusted,
  traefikPlainHttpServed,
  traefikRouterWithoutHost,
  traefikHstsMissing,
  traefikHostNotPassed,
];
