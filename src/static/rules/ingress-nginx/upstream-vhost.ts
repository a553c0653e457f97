/** upstream-vhost replaces the Host header of every location of the Ingress with a fixed name. */
import { annotation, ingressHosts, nginxIngresses } from "../../kubernetes/ingress-nginx.js";
import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";

export const ingressNginxUpstreamVhost: StaticRule = {
  meta: {
    id: "ingress-nginx-upstream-vhost",
    clause: "csrf-origin",
    severity: "high",
    title: "ingress-nginx sends a fixed Host to the app",
    explanation:
      "The upstream-vhost annotation replaces the Host header with a fixed name. Where that is not the name a client asked for (another host of the Ingress, or any host on a rule without one), Django builds absolute URLs and checks the CSRF Origin against the fixed name, not the site's: form posts from the real site fail, or ALLOWED_HOSTS is widened to let them through.",
    fix: {
      "ingress-nginx":
        "Remove nginx.ingress.kubernetes.io/upstream-vhost so the site's Host reaches Django, and list the site's names in ALLOWED_HOSTS.",
    },
  },
  check(input: AuditInput): RuleFinding[] {
    return nginxIngresses(input.kubernetes).flatMap((ingress): RuleFinding[] => {
      const vhost = annotation(ingress, "upstream-vhost");
      if (!vhost) return [];
      const name = vhost.value.trim();
      // Host names are case-insensitive: the rule's own name, however written, changes nothing.
      const others = ingressHosts(ingress).filter((host) => host !== name.toLowerCase());
      if (others.length === 0) return [];
      const names = others.map((host) => host || "whatever host a client sends (a rule without host)");
      return [
        {
          status: "fail",
          message: `Ingress ${ingress.name} sets upstream-vhost "${name}": Django sees Host ${name}, not ${names.join(", ")}`,
          location: vhost.location,
        },
      ];
    });
  },
};
