import type { StaticRule } from "../rule.js";
import { apacheRules } from "./apache/index.js";
import { appServerRules } from "./appserver/index.js";
import { caddyRules } from "./caddy/index.js";
import { configErrors } from "./config-errors.js";
import { contractRules } from "./contract/index.js";
import { deploymentRules } from "./deployment/index.js";
import { djangoRules } from "./django/index.js";
import { gunicornRules } from "./gunicorn/index.js";
import { haproxyRules } from "./haproxy/index.js";
import { ingressNginxRules } from "./ingress-nginx/index.js";
import { traefikRules } from "./traefik/index.js";
import { nginxRules } from "./nginx/index.js";

/** Every static rule; each returns nothing when the input it reads was not given. */
export const ALL_RULES: readonly StaticRule[] = [
  configErrors,
  ...djangoRules,
  ...nginxRules,
  ...caddyRules,
  ...haproxyRules,
  ...traefikRules,
  ...apacheRules,
  ...gunicornRules,
  ...ingressNginxRules,
  ...deploymentRules,
  ...appServerRules,
  ...contractRules,
];
