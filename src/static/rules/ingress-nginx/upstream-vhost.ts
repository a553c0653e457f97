/**
 * upstream-vhost replaces the Host header of every location of the Ingress: the template writes
 * proxy_set_header Host "<value>", so nginx variables in it are filled in per request.
 */
import { annotation, ingressHosts, nginxIngresses } from "../../kubernetes/ingress-nginx.js";
import { singleVariable } from "../../nginx/conditions.js";
import { VariableIndex } from "../../nginx/variables.js";
import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";

/** Variables holding the name the client asked for: nginx's, and the controller's default ($best_http_host). */
const CLIENT_NAME_VARIABLES = new Set(["host", "http_host", "best_http_host"]);

/** Request variables taken as they come (no map or set can stand between: the value is the annotation alone). */
const requestVariables = new VariableIndex([]);

/** What Host an upstream-vhost value gives Django on a server for `host` ("" for the default server). */
type HostSent =
  | { kind: "client-name" }
  | { kind: "request-header"; sources: string[] }
  | { kind: "fixed"; name: string }
  | { kind: "built" };

function hostSent(value: string, host: string): HostSent {
  const variable = singleVariable(value);
  if (variable && CLIENT_NAME_VARIABLES.has(variable)) return { kind: "client-name" };
  // The server's name: the rule's host, or the default server's "_".
  if (variable === "server_name") return { kind: "fixed", name: host || "_" };
  if (!value.includes("$")) return { kind: "fixed", name: value };
  const sources = requestVariables.clientSources(value);
  return sources.length > 0 ? { kind: "request-header", sources } : { kind: "built" };
}

const describeHost = (host: string) => host || "whatever host a client sends (a rule without host)";

export const ingressNginxUpstreamVhost: StaticRule = {
  meta: {
    id: "ingress-nginx-upstream-vhost",
    clause: "csrf-origin",
    severity: "high",
    title: "ingress-nginx sends a fixed Host to the app",
    explanation:
      "The upstream-vhost annotation replaces the Host header. A fixed name (or one nginx builds, such as $service_name.$namespace.svc.cluster.local, or $server_name on a rule without host) that is not the name a client asked for makes Django build absolute URLs and check the CSRF Origin against that name, not the site's: form posts from the real site fail, or ALLOWED_HOSTS is widened to let them through. $host, $http_host and $best_http_host pass the client's own name on, as the controller does by default; a request header such as $http_x_forwarded_host holds the site's name only if a load balancer in front sets it (a warning).",
    fix: {
      "ingress-nginx":
        "Remove nginx.ingress.kubernetes.io/upstream-vhost (or set it to $host) so the site's Host reaches Django, and list the site's names in ALLOWED_HOSTS.",
    },
  },
  check(input: AuditInput): RuleFinding[] {
    return nginxIngresses(input.kubernetes).flatMap((ingress): RuleFinding[] => {
      const vhost = annotation(ingress, "upstream-vhost");
      // The controller trims the value, and ignores an empty one.
      const value = vhost?.value.trim();
      if (!vhost || !value) return [];
      const hosts = ingressHosts(ingress);
      const sent = hosts.map((host) => ({ host, sent: hostSent(value, host) }));
      const header = sent.find((s) => s.sent.kind === "request-header")?.sent;
      if (header?.kind === "request-header")
        return [
          {
            status: "warn",
            message: `Ingress ${ingress.name} sets upstream-vhost "${value}": Django's Host is copied from ${header.sources.join(", ")}, which the client sends as it likes, not from the name the controller matched (${hosts.map(describeHost).join(", ")}); it is the site's name only if a load balancer in front sets it`,
            location: vhost.location,
          },
        ];
      // Host names are case-insensitive: the rule's own name, however written, changes nothing.
      const renamed = sent.filter(
        ({ host, sent }) =>
          sent.kind === "built" || (sent.kind === "fixed" && sent.name.toLowerCase() !== host),
      );
      const seen = renamed[0]?.sent;
      if (!seen) return [];
      const shown = seen.kind === "fixed" ? seen.name : `"${value}" as nginx fills it in`;
      return [
        {
          status: "fail",
          message: `Ingress ${ingress.name} sets upstream-vhost "${value}": Django sees Host ${shown}, not ${renamed.map(({ host }) => describeHost(host)).join(", ")}`,
          location: vhost.location,
        },
      ];
    });
  },
};
