/** A configuration snippet that copies a client header into the one Django trusts for scheme, host or address. */
import { clause } from "../../../clauses.js";
import { controllerConfigMaps, nginxIngresses } from "../../kubernetes/ingress-nginx.js";
import { loadNginxText } from "../../nginx/loader.js";
import type { NginxDirective } from "../../nginx/model.js";
import { forEachNamed } from "../../nginx/scope.js";
import { variableIndex } from "../../nginx/variables.js";
import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";
import { clientValuedAssignments } from "../nginx/shared.js";

const SNIPPET_ANNOTATIONS = /\/(configuration|server)-snippet$/;
const SNIPPET_KEYS = new Set(["http-snippet", "server-snippet", "location-snippet"]);
const TRUSTED_HEADERS = [
  "host",
  "x-forwarded-proto",
  "x-forwarded-host",
  "x-forwarded-for",
  "x-forwarded-port",
  "x-real-ip",
];

const written = (d: NginxDirective) => [d.name, ...d.args].join(" ");

/**
 * The snippet's lines that set a trusted header from a value the client controls: read as nginx
 * reads them, so `${http_x}`, quotes, and `set`/`map` indirection count as the plain `$http_x` does.
 */
function clientCopies(snippet: string, file: string): string[] {
  const config = loadNginxText(snippet, file);
  const copies = TRUSTED_HEADERS.flatMap((name) =>
    clientValuedAssignments(config, name).map((a) => a.directive),
  );
  const variables = variableIndex(config);
  // headers-more's more_set_input_headers 'Name: value' ...
  forEachNamed(config.root, ["more_set_input_headers"], (directive) => {
    const copied = directive.args.some((arg) => {
      const match = /^\s*([\w-]+)\s*:\s*(.*)$/s.exec(arg);
      return (
        match !== null &&
        TRUSTED_HEADERS.includes(match[1]!.toLowerCase()) &&
        variables.clientSources(match[2]!).length > 0
      );
    });
    if (copied) copies.push(directive);
  });
  return copies.sort((a, b) => a.line - b.line).map(written);
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
      const copies = clientCopies(snippet, location.file);
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
