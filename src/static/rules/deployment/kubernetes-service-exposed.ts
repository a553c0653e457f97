/** A NodePort or LoadBalancer Service on the Django pods opens a way in beside the Ingress. */
import { clause } from "../../../clauses.js";
import type { KubernetesObjects, KubernetesService, Workload } from "../../kubernetes/model.js";
import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";

const EXPOSED_TYPES = new Set(["NodePort", "LoadBalancer"]);

function selects(service: KubernetesService, workload: Workload): boolean {
  const entries = Object.entries(service.selector);
  return entries.length > 0 && entries.every(([key, value]) => workload.podLabels[key] === value);
}

/** The Django workloads: a container that runs an app server, or the pods an Ingress routes to. */
function djangoWorkloads(objects: KubernetesObjects): Workload[] {
  const routed = new Set(objects.ingresses.flatMap((i) => i.backends.map((b) => b.service)));
  const routedServices = objects.services.filter((s) => routed.has(s.name));
  return objects.workloads.filter(
    (w) => w.containers.some((c) => c.djangoApp) || routedServices.some((s) => selects(s, w)),
  );
}

export const kubernetesServiceExposed: StaticRule = {
  meta: {
    id: "kubernetes-service-exposed",
    clause: "origin-exposure",
    severity: "high",
    title: "A NodePort or LoadBalancer Service reaches the Django pods around the Ingress",
    explanation:
      "The Ingress controller is the proxy Django trusts for X-Forwarded-Proto and Host. A Service of type NodePort or LoadBalancer on the same pods gives every client a path that skips it: on every node's port, or on a cloud load balancer of its own.",
    fix: {
      kubernetes:
        "type: ClusterIP on the Service the Ingress routes to (the default); if something else must reach the pods, add a NetworkPolicy allowing ingress from the controller's namespace only.",
      gunicorn: clause("origin-exposure").fix.gunicorn,
    },
  },
  check(input: AuditInput): RuleFinding[] {
    const objects = input.kubernetes;
    const fronted =
      objects && (objects.ingresses.length > 0 || objects.traefik.some((t) => t.kind === "IngressRoute"));
    if (!objects || !fronted) return [];
    const django = djangoWorkloads(objects);
    return objects.services
      .filter((service) => EXPOSED_TYPES.has(service.type))
      .flatMap((service): RuleFinding[] => {
        const workload = django.find((w) => selects(service, w));
        if (!workload) return [];
        const ports = service.ports
          .map((p) => (p.nodePort ? `${p.port} (node port ${p.nodePort})` : p.port))
          .join(", ");
        return [
          {
            status: "fail",
            message: `Service ${service.name} is ${service.type} (${ports || "no ports listed"}) on ${workload.kind} ${workload.name}, the Django pods the Ingress fronts`,
            location: { file: service.file, line: service.line },
          },
        ];
      });
  },
};
