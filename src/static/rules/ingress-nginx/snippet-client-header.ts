/** A configuration snippet that copies a client header into the one Django trusts for scheme, host or address. */
import { clause } from "../../../clauses.js";
import { controllerConfigMaps, nginxIngresses } from "../../kubernetes/ingress-nginx.js";
import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";

const SNIPPET_ANNOTATIONS = /\/(configuration|server)-snippet$/;
const SNIPPET_KEYS = new Set(["http-snippet", "server-snippet", "location-snippet"]);
/** proxy_set_header or more_set_input_headers of a trusted header from a client-sent $http_ variable. */
const CLIENT_COPY =
  /(?:proxy_set_header\s+["']?(host|x-forwarded-(?:proto|host|for|port)|x-real-ip)["']?\s+["']?\$http_\w+|more_set_input_headers\s+["']?(host|x-forwarded-(?:proto|host|for|port)|x-real-ip)\s*:\s*\$http_\w+)/gi;

function clientCopies(snippet: string): string[] {
  return [...snippet.matchAll(CLIENT_COPY)].map((m) => m[0].replace(/\s+/g, " "));
}

export const ingressNginxSnippetClientHeader: StaticRule = {
  meta: {
    id: "ingress-nginx-snippet-client-header",
    clause: "spoofed-proto",
    severity: "high",
    title: "An ingress-nginx snippet forwards a client's header as a trusted one",
    explanation:
      "A configuration-snippet or server-snippet (annotation or ConfigMap) that sets Host, X-Forwarded-Proto, -Host, -For or X-Real-IP from a $http_ variable hands the client's own value to Django, undoing what the controller sets.",
    fix: {
      "ingress-nginx":
        "Remove the proxy_set_header / more_set_input_headers line from the snippet: the controller already sets these headers from the connection.",
      nginx: clause("spoofed-proto").fix.nginx,
    },
  },
  check(input: AuditInput): RuleFinding[] {
    const fromAnnotations = nginxIngresses(input.kubernetes).flatMap((ingress) =>
      ingress.annotations
        .filter((a) => SNIPPET_ANNOTATIONS.test(a.name))
        .map((a) => ({
          where: `Ingress ${ingress.name} ${a.name.replace(/^.*\//, "")}`,
          snippet: a.value,
          location: a,
        })),
    );
    const fromConfigMap = controllerConfigMaps(input.kubernetes).flatMap((map) =>
      map.data
        .filter((d) => SNIPPET_KEYS.has(d.key))
        .map((d) => ({ where: `ConfigMap ${map.name} ${d.key}`, snippet: d.value, location: d })),
    );
    return [...fromAnnotations, ...fromConfigMap].flatMap(({ where, snippet, location }): RuleFinding[] => {
      const copies = clientCopies(snippet);
      return copies.length
        ? [
            {
              status: "fail",
              message: `${where} copies a client header into a trusted one: ${copies.join("; ")}`,
              location: { file: location.file, line: location.line },
            },
          ]
        : [];
    });
  },
};
