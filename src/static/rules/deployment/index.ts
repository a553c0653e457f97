import type { StaticRule } from "../../rule.js";
import { composeHostNetwork } from "./compose-host-network.js";
import { composePortPublished } from "./compose-port-published.js";
import { kubernetesServiceExposed } from "./kubernetes-service-exposed.js";

/** Rules over deployment descriptors: Compose files and Kubernetes manifests. */
export const deploymentRules: StaticRule[] = [
  composePortPublished,
  composeHostNetwork,
  kubernetesServiceExposed,
];
