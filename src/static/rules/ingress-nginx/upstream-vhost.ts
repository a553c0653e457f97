import { annotation, nginxIngresses } from "../../kubernetes/ingress-nginx.js";
import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";

export const ingressNginxUpstreamVhost: StaticRule = {
  meta: {
    id: "ingress-nginx-upstream-vhost",
    clause: "csrf-origin",
    severity: "high",
    title: "ingress-nginx sends a fixed Host to the app",
    explanation:
      "The upstream-vhost annotation replaces the Host header with a fixed name. Django then builds absolute URLs and checks the CSRF Origin against that name, not the site's: form posts from the real site fail, or ALLOWED_HOSTS is widened to let them through.",
    fix: {
      "ingress-nginx":
        "Remove nginx.ingress.kubernetes.io/upstream-vhost so the site's Host reaches Django, and list the site's names in ALLOWED_HOSTS.",
    },
  },
  check(input: AuditInput): RuleFinding[] {
    return nginxIngresses(input.kubernetes).flatMap((ingress): RuleFinding[] => {
      const vhost = annotation(ingress, "upstream-vhost");
      return vhost
        ? [
            {
              status: "fail",
              message: `Ingress ${ingress.name} sets upstream-vhost "${vhost.value}": Django sees Host ${vhost.value}, not ${ingress.backends.find((b) => b.host)?.host ?? "the site's name"}`,
              location: vhost.location,
            },
          ]
        : [];
    });
  },
};
