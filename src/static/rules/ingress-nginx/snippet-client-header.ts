/** A configuration snippet that copies a client header into the one Django trusts for scheme, host or address. */
import { clause } from "../../../clauses.js";
import {
  controllerConfigMaps,
  controllerValue,
  isTrue,
  nginxIngresses,
} from "../../kubernetes/ingress-nginx.js";
import type { KubernetesObjects } from "../../kubernetes/model.js";
import { loadNginxText } from "../../nginx/loader.js";
import type { NginxDirective } from "../../nginx/model.js";
import { forEachNamed } from "../../nginx/scope.js";
import { variableIndex } from "../../nginx/variables.js";
import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";
import type { Located } from "../../caddy/config-source.js";
import { clientValuedAssignments } from "../../nginx/routes.js";

/** Snippet annotations (the name after the prefix) and whether the template pastes each into every location. */
const SNIPPET_ANNOTATIONS = new Map([
  ["configuration-snippet", true],
  ["server-snippet", false],
]);
/** The same for the controller ConfigMap's snippet keys. */
const SNIPPET_KEYS = new Map([
  ["location-snippet", true],
  ["server-snippet", false],
  ["http-snippet", false],
]);
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
 * The trusted headers whose incoming value reaches Django, and so can be rewritten by more_set_input_headers.
 * Every location sets each of them from a variable: Host and X-Forwarded-Host from $best_http_host (the
 * request's Host, or with use-forwarded-headers its X-Forwarded-Host), X-Forwarded-Proto and -Port from the
 * request's own only with use-forwarded-headers, X-Forwarded-For from the request's only with
 * compute-full-forwarded-for too; X-Real-IP and the rest come from the connection ($remote_addr, which the
 * realip module settles before any rewrite).
 */
function headersTakenFromRequest(objects: KubernetesObjects | undefined): string[] {
  const forwarded = isTrue(controllerValue(objects, "use-forwarded-headers"));
  const fullForwardedFor = forwarded && isTrue(controllerValue(objects, "compute-full-forwarded-for"));
  return [
    "host",
    ...(forwarded ? ["x-forwarded-proto", "x-forwarded-host", "x-forwarded-port"] : []),
    ...(fullForwardedFor ? ["x-forwarded-for"] : []),
  ];
}

/**
 * The request headers the controller's own value for each trusted header comes from: Host and
 * X-Forwarded-Host from $best_http_host, the request's Host (with use-forwarded-headers, its
 * X-Forwarded-Host when sent); X-Forwarded-Proto and -Port from the request's own only with
 * use-forwarded-headers. A snippet passing one of these hands Django nothing the controller would not.
 * X-Forwarded-For is left out: with compute-full-forwarded-for the controller appends the peer, which a
 * copy of the client's list drops.
 */
function controllerSources(objects: KubernetesObjects | undefined): Map<string, string[]> {
  const forwarded = isTrue(controllerValue(objects, "use-forwarded-headers"));
  const fromHost = ["$http_host", ...(forwarded ? ["$http_x_forwarded_host"] : [])];
  return new Map([
    ["host", fromHost],
    ["x-forwarded-host", fromHost],
    ["x-forwarded-proto", forwarded ? ["$http_x_forwarded_proto"] : []],
    ["x-forwarded-port", forwarded ? ["$http_x_forwarded_port"] : []],
  ]);
}

/** What the controller does with the trusted headers, read once from its ConfigMap. */
interface ControllerHeaders {
  takenFromRequest: string[];
  sources: Map<string, string[]>;
}

/**
 * The snippet's lines that set a trusted header from a value the client controls: read as nginx
 * reads them, so `${http_x}`, quotes, and `set`/`map` indirection count as the plain `$http_x` does.
 * Every location the template writes sets Host and X-Forwarded-* itself, and nginx inherits
 * proxy_set_header only into a block setting none: outside a location, a line at the snippet's own
 * level does nothing, while one in a block the snippet opens does. more_set_input_headers, which rewrites
 * the request's header, counts at any level for the headers the controller takes from the request. A
 * line passing only what the controller itself passes (`proxy_set_header Host $http_host`) is no copy.
 */
function clientCopies(
  snippet: string,
  file: string,
  inLocation: boolean,
  { takenFromRequest, sources }: ControllerHeaders,
): string[] {
  const config = loadNginxText(snippet, file);
  const copies = TRUSTED_HEADERS.flatMap((name) => {
    const own = sources.get(name) ?? [];
    return clientValuedAssignments(config, name)
      .filter((a) => a.sources.some((source) => !own.includes(source)))
      .map((a) => a.directive);
  }).filter((directive) => inLocation || !config.root.includes(directive));
  const variables = variableIndex(config);
  // headers-more's more_set_input_headers 'Name: value' ...
  forEachNamed(config.root, ["more_set_input_headers"], (directive) => {
    const copied = directive.args.some((arg) => {
      const match = /^\s*([\w-]+)\s*:\s*(.*)$/s.exec(arg);
      return (
        match !== null &&
        takenFromRequest.includes(match[1]!.toLowerCase()) &&
        variables.clientSources(match[2]!).length > 0
      );
    });
    if (copied) copies.push(directive);
  });
  return copies.sort((a, b) => a.line - b.line).map(written);
}

/** The snippets among an object's annotations or keys, with where the template puts each. */
function snippets(
  owner: string,
  entries: (Located & { key: string; value: string })[],
  levels: ReadonlyMap<string, boolean>,
) {
  return entries.flatMap((entry) => {
    const inLocation = levels.get(entry.key);
    return inLocation === undefined
      ? []
      : [{ where: `${owner} ${entry.key}`, snippet: entry.value, inLocation, location: entry }];
  });
}

export const ingressNginxSnippetClientHeader: StaticRule = {
  meta: {
    id: "ingress-nginx-snippet-client-header",
    clause: "spoofed-proto",
    severity: "high",
    title: "An ingress-nginx snippet forwards a client's header as a trusted one",
    explanation:
      "A configuration-snippet or location-snippet that sets Host, X-Forwarded-Proto, -Host, -For or X-Real-IP from a $http_ variable hands the client's own value to Django, undoing what the controller sets; so does a server-snippet or http-snippet that sets one in a location of its own. A proxy_set_header at server or http level does nothing: each location the controller writes sets these headers itself. A line passing what the controller sends anyway passes: Host or X-Forwarded-Host $http_host (the controller's $best_http_host), and with use-forwarded-headers the request's X-Forwarded-Host, -Proto or -Port. more_set_input_headers rewrites the request's header, which counts only where the controller takes that header from the request: Host always, X-Forwarded-Proto, -Host and -Port with use-forwarded-headers, X-Forwarded-For with compute-full-forwarded-for too.",
    fix: {
      "ingress-nginx":
        "Remove the proxy_set_header / more_set_input_headers line from the snippet: the controller already sets these headers from the connection.",
      nginx: clause("spoofed-proto").fix.nginx,
    },
  },
  check(input: AuditInput): RuleFinding[] {
    const fromAnnotations = nginxIngresses(input.kubernetes).flatMap((ingress) =>
      snippets(
        `Ingress ${ingress.name}`,
        ingress.annotations.map((a) => ({ ...a, key: a.name.replace(/^.*\//, "") })),
        SNIPPET_ANNOTATIONS,
      ),
    );
    const fromConfigMap = controllerConfigMaps(input.kubernetes).flatMap((map) =>
      snippets(`ConfigMap ${map.name}`, map.data, SNIPPET_KEYS),
    );
    const controller = {
      takenFromRequest: headersTakenFromRequest(input.kubernetes),
      sources: controllerSources(input.kubernetes),
    };
    return [...fromAnnotations, ...fromConfigMap].flatMap(
      ({ where, snippet, inLocation, location }): RuleFinding[] => {
        const copies = clientCopies(snippet, location.file, inLocation, controller);
        return copies.length
          ? [
              {
                status: "fail",
                message: `${where} copies a client header into a trusted one: ${copies.join("; ")}`,
                location: { file: location.file, line: location.line },
              },
            ]
          : [];
      },
    );
  },
};
