/**
 * Traefik configured without a file: Docker labels on Compose services, `--entrypoints...` flags on
 * the Traefik container, and Kubernetes IngressRoute/Middleware CRDs. Each is turned into the file
 * provider's tree shape so the one Traefik model and its rules read them all.
 */
import type { Located } from "../caddy/config-source.js";
import type { ComposeProject, ComposeService } from "../compose/model.js";
import type { KubernetesObjects } from "../kubernetes/model.js";
import { text, tree, type Tree, type YamlDocument } from "../yaml/documents.js";
import { addTraefikSource, emptyTraefikConfig, type TraefikConfig } from "./model.js";

/** Labels and flags are case-insensitive; the model reads the documented camelCase names. */
const CANONICAL = new Map(
  [
    "entryPoints",
    "forwardedHeaders",
    "trustedIPs",
    "insecure",
    "redirections",
    "entryPoint",
    "loadBalancer",
    "passHostHeader",
    "stsSeconds",
    "stsIncludeSubdomains",
    "stsPreload",
    "redirectScheme",
    "customRequestHeaders",
    "middlewares",
    "routers",
    "services",
    "address",
    "rule",
    "service",
    "tls",
    "scheme",
    "permanent",
    "headers",
    "http",
    "to",
  ].map((name) => [name.toLowerCase(), name]),
);

/** A key path is canonical except where a user-chosen name sits (a router, entry point, header). */
function canonicalPath(path: string[]): string[] {
  return path.map((segment, index) => {
    const parent = path[index - 1]?.toLowerCase();
    const named =
      parent === "routers" || parent === "middlewares" || parent === "services" || parent === "entrypoints";
    const header = parent === "customrequestheaders";
    return named || header ? segment : (CANONICAL.get(segment.toLowerCase()) ?? segment);
  });
}

/** A tree from dotted keys, with each key path's line for findings. */
function dottedTree(file: string, entries: (Located & { path: string[]; value: string })[]): YamlDocument {
  const data: Tree = {};
  const lines = new Map<string, number>();
  for (const entry of entries) {
    const path = canonicalPath(entry.path);
    let node = data;
    path.slice(0, -1).forEach((key) => {
      if (typeof node[key] !== "object" || node[key] === null) node[key] = {};
      node = node[key] as Tree;
    });
    const last = path.at(-1) as string;
    // `tls=false` means no TLS: the model takes any tls key as TLS on.
    if (last === "tls" && entry.value === "false") continue;
    // Kept as written: the model reads booleans as Traefik does (goBool), from files and flags alike.
    node[last] = entry.value;
    path.forEach((_, depth) => {
      const key = path.slice(0, depth + 1).join(".");
      if (!lines.has(key)) lines.set(key, entry.line);
    });
  }
  return {
    file,
    data,
    lineOf: (path) => {
      for (let depth = path.length; depth > 0; depth--) {
        const line = lines.get(path.slice(0, depth).join("."));
        if (line !== undefined) return line;
      }
      return 1;
    },
  };
}

/** `--entrypoints.web.address=:80` and `--entryPoints.web.forwardedHeaders.insecure` on the Traefik container. */
function staticFlags(service: ComposeService): YamlDocument {
  const words = `${service.entrypoint ?? ""} ${service.command ?? ""}`.split(/\s+/);
  const flags = words.flatMap((word) => {
    const match = /^--?((?:entrypoints|entryPoints)\.[^=]+)(?:=(.*))?$/i.exec(word);
    return match
      ? [
          {
            path: (match[1] as string).split("."),
            value: match[2] ?? "true",
            file: service.file,
            line: service.line,
          },
        ]
      : [];
  });
  return dottedTree(service.file, flags);
}

/** `traefik.http.routers.<name>.rule` labels of one service; a router without a service routes to it. */
function labelTree(service: ComposeService): YamlDocument {
  const labels = service.labels.filter((label) => /^traefik\.http\./i.test(label.name));
  const doc = dottedTree(
    service.file,
    labels.map((label) => ({ ...label, path: label.name.split(".").slice(1) })),
  );
  const routers = tree(tree(doc.data.http).routers);
  const ownServices = Object.keys(tree(tree(doc.data.http).services));
  for (const router of Object.values(routers).map(tree))
    if (router.service === undefined) router.service = ownServices[0] ?? service.name;
  return doc;
}

const isTraefik = (service: ComposeService) => /(^|\/)traefik(:|$)/.test(service.image ?? "");

/** Traefik as the Compose project configures it; undefined when no service carries Traefik labels or flags. */
export function traefikFromCompose(project: ComposeProject): TraefikConfig | undefined {
  const labelled = project.services.filter((s) => s.labels.some((l) => /^traefik\./i.test(l.name)));
  const proxies = project.services.filter(isTraefik);
  if (labelled.length === 0 && proxies.length === 0) return undefined;
  const config = emptyTraefikConfig();
  for (const proxy of proxies) addTraefikSource(config, staticFlags(proxy));
  for (const service of labelled) addTraefikSource(config, labelTree(service));
  return config;
}

/** IngressRoute and Middleware custom resources; undefined when there are none. */
export function traefikFromKubernetes(objects: KubernetesObjects): TraefikConfig | undefined {
  if (objects.traefik.length === 0) return undefined;
  const config = emptyTraefikConfig();
  for (const resource of objects.traefik) {
    const http: Tree = { routers: {}, middlewares: {} };
    if (resource.kind === "Middleware") (http.middlewares as Tree)[resource.name] = resource.spec;
    const routes = Array.isArray(resource.spec.routes) ? resource.spec.routes.map(tree) : [];
    routes.forEach((route, index) => {
      const services = Array.isArray(route.services) ? route.services.map(tree) : [];
      const middlewares = Array.isArray(route.middlewares) ? route.middlewares.map(tree) : [];
      (http.routers as Tree)[routes.length > 1 ? `${resource.name}-${index}` : resource.name] = {
        rule: text(route.match) ?? "",
        entryPoints: resource.spec.entryPoints ?? [],
        middlewares: middlewares.map((m) => text(m.name) ?? ""),
        service: text(services[0]?.name) ?? "",
        ...(resource.spec.tls !== undefined ? { tls: resource.spec.tls } : {}),
      };
    });
    addTraefikSource(config, {
      file: resource.file,
      data: { http },
      lineOf: (path) =>
        path[2] === undefined
          ? resource.line
          : resource.lineOf(resource.kind === "Middleware" ? [] : ["routes"]),
    });
  }
  return config;
}
