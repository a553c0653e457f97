/**
 * Kubernetes manifests (and literal Helm values): the objects that decide who reaches the Django pods
 * and what the ingress controller does to headers. Field names as in the Kubernetes API reference,
 * ingress-nginx keys as in its ConfigMap and annotation docs, Traefik CRDs as in doc.traefik.io.
 */
import { basename } from "node:path";
import { readConfigSource, type LoadError, type Located } from "../caddy/config-source.js";
import { djangoAppEvidence } from "../deployment/app-server.js";
import { literalEnvironment, type EnvironmentEntry } from "../environment.js";
import { parseYamlDocuments, text, tree, type Tree, type YamlDocument } from "../yaml/documents.js";

export interface Container extends Located {
  name: string;
  image: string;
  /** command and args joined, as the container runs them (empty when the image decides). */
  commandLine: string;
  env: EnvironmentEntry[];
  /** Why this container is taken for the Django app, when it is. */
  djangoApp?: string;
}

export interface Workload extends Located {
  kind: string;
  name: string;
  /** The labels of its pods, which Services select. */
  podLabels: Record<string, string>;
  containers: Container[];
}

export interface ServicePort {
  port: string;
  targetPort: string;
  nodePort?: string;
}

export interface KubernetesService extends Located {
  name: string;
  /** ClusterIP (the default), NodePort, LoadBalancer or ExternalName. */
  type: string;
  selector: Record<string, string>;
  ports: ServicePort[];
}

export interface IngressBackend {
  host: string;
  path: string;
  service: string;
  /**
   * spec.defaultBackend of an Ingress without rules: it becomes the controller's catch-all location, which
   * takes none of the Ingress's redirect annotations (createServers keeps the catch-all's own).
   */
  catchAll?: boolean;
}

export interface Ingress extends Located {
  name: string;
  /** spec.ingressClassName, or the kubernetes.io/ingress.class annotation. */
  className?: string;
  annotations: (Located & { name: string; value: string })[];
  backends: IngressBackend[];
  /**
   * spec.tls has an entry. The controller then gives every rule host of the Ingress a certificate: the secret
   * of the entry listing it, else one whose certificate names it, else the default one (createServers).
   */
  hasTls: boolean;
}

/** A ConfigMap's string data with the line of each key. */
export interface ConfigMap extends Located {
  name: string;
  data: (Located & { key: string; value: string })[];
}

/** A Traefik IngressRoute or Middleware custom resource, kept as its spec for the Traefik model. */
export interface TraefikResource extends Located {
  kind: "IngressRoute" | "Middleware";
  name: string;
  spec: Tree;
  lineOf(path: (string | number)[]): number;
}

export interface KubernetesObjects {
  files: string[];
  errors: LoadError[];
  workloads: Workload[];
  services: KubernetesService[];
  ingresses: Ingress[];
  configMaps: ConfigMap[];
  traefik: TraefikResource[];
}

const emptyKubernetes = (): KubernetesObjects => ({
  files: [],
  errors: [],
  workloads: [],
  services: [],
  ingresses: [],
  configMaps: [],
  traefik: [],
});

const WORKLOAD_KINDS = new Set([
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "ReplicaSet",
  "Job",
  "CronJob",
  "Pod",
]);

const stringMap = (value: unknown): Record<string, string> =>
  Object.fromEntries(
    Object.entries(tree(value)).flatMap(([k, v]) => (text(v) !== undefined ? [[k, text(v) as string]] : [])),
  );
const items = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** The pod template of a workload: spec.template, a CronJob's jobTemplate, or a Pod's own spec. */
function podPath(kind: string): string[] {
  if (kind === "Pod") return [];
  if (kind === "CronJob") return ["spec", "jobTemplate", "spec", "template"];
  return ["spec", "template"];
}

function at(data: unknown, path: (string | number)[]): unknown {
  return path.reduce<unknown>(
    (node, key) => (Array.isArray(node) ? node[key as number] : tree(node)[key]),
    data,
  );
}

function workload(doc: YamlDocument, kind: string, name: string): Workload {
  const pod = podPath(kind);
  const containersPath = [...pod, "spec", "containers"];
  const containers = items(at(doc.data, containersPath)).map((raw, index): Container => {
    const spec = tree(raw);
    const path = [...containersPath, index];
    const env = items(spec.env).map((entry, i) => {
      const variable = tree(entry);
      const where = { file: doc.file, line: doc.lineOf([...path, "env", i]) };
      const envName = text(variable.name) ?? "";
      return variable.valueFrom !== undefined
        ? { name: envName, ...where, unknownBecause: "read from a Secret, ConfigMap or field at runtime" }
        : literalEnvironment(envName, variable.value ?? "", where);
    });
    const commandLine = [...items(spec.command), ...items(spec.args)].map(String).join(" ");
    const djangoApp = djangoAppEvidence(commandLine, env);
    return {
      name: text(spec.name) ?? "",
      image: text(spec.image) ?? "",
      commandLine,
      env,
      ...(djangoApp ? { djangoApp } : {}),
      file: doc.file,
      line: doc.lineOf(path),
    };
  });
  return {
    kind,
    name,
    podLabels: stringMap(at(doc.data, [...pod, "metadata", "labels"])),
    containers,
    file: doc.file,
    line: doc.lineOf(["kind"]),
  };
}

function service(doc: YamlDocument, name: string): KubernetesService {
  const spec = tree(doc.data.spec);
  return {
    name,
    type: text(spec.type) ?? "ClusterIP",
    selector: stringMap(spec.selector),
    ports: items(spec.ports).map((raw) => {
      const port = tree(raw);
      const nodePort = text(port.nodePort);
      return {
        port: text(port.port) ?? "",
        targetPort: text(port.targetPort) ?? text(port.port) ?? "",
        ...(nodePort ? { nodePort } : {}),
      };
    }),
    file: doc.file,
    line: doc.lineOf(spec.type !== undefined ? ["spec", "type"] : ["kind"]),
  };
}

function ingress(doc: YamlDocument, name: string): Ingress {
  const spec = tree(doc.data.spec);
  const annotationsRaw = tree(tree(doc.data.metadata).annotations);
  const annotations = Object.entries(annotationsRaw).map(([key, value]) => ({
    name: key,
    value: text(value) ?? "",
    file: doc.file,
    line: doc.lineOf(["metadata", "annotations", key]),
  }));
  const backendName = (backend: Tree): string =>
    text(tree(tree(backend.service)).name) ?? text(backend.serviceName) ?? "";
  const defaultBackend = tree(spec.defaultBackend ?? spec.backend);
  const rules = items(spec.rules).map(tree);
  const ruleBackends = rules.flatMap((rule) =>
    items(tree(rule.http).paths).map((p) => ({
      host: text(rule.host) ?? "",
      path: text(tree(p).path) ?? "/",
      service: backendName(tree(tree(p).backend)),
    })),
  );
  // With rules, the default backend serves what no path of their hosts matches; alone, it is the catch-all.
  const defaultBackends = !Object.keys(defaultBackend).length
    ? []
    : rules.length
      ? [...new Set(rules.map((rule) => text(rule.host) ?? ""))].map((host) => ({
          host,
          path: "/",
          service: backendName(defaultBackend),
        }))
      : [{ host: "", path: "/", service: backendName(defaultBackend), catchAll: true }];
  const backends: IngressBackend[] = [...defaultBackends, ...ruleBackends];
  const className = text(spec.ingressClassName) ?? text(annotationsRaw["kubernetes.io/ingress.class"]);
  return {
    name,
    ...(className ? { className } : {}),
    annotations,
    backends,
    hasTls: items(spec.tls).length > 0,
    file: doc.file,
    line: doc.lineOf(["kind"]),
  };
}

function configMapOf(doc: YamlDocument, name: string, path: string[] = ["data"]): ConfigMap {
  return {
    name,
    data: Object.entries(tree(at(doc.data, path))).map(([key, value]) => ({
      key,
      value: text(value) ?? "",
      file: doc.file,
      line: doc.lineOf([...path, key]),
    })),
    file: doc.file,
    line: doc.lineOf(path),
  };
}

/** Adds one manifest document's object to the collection; unknown kinds are left out. */
function addObject(objects: KubernetesObjects, doc: YamlDocument): void {
  const kind = text(doc.data.kind) ?? "";
  const name = text(tree(doc.data.metadata).name) ?? "";
  if (kind === "List") {
    // kubectl's `kind: List` wraps objects in items; positions inside are kept through a sub-document.
    items(doc.data.items).forEach((item, index) =>
      addObject(objects, {
        file: doc.file,
        data: tree(item),
        lineOf: (path) => doc.lineOf(["items", index, ...path]),
      }),
    );
    return;
  }
  // ingress-nginx chart values: controller.config becomes the controller ConfigMap.
  if (!kind && Object.keys(helmControllerConfig(doc)).length)
    objects.configMaps.push(
      configMapOf(doc, "ingress-nginx-controller (Helm values)", ["controller", "config"]),
    );
  else if (WORKLOAD_KINDS.has(kind)) objects.workloads.push(workload(doc, kind, name));
  else if (kind === "Service") objects.services.push(service(doc, name));
  else if (kind === "Ingress") objects.ingresses.push(ingress(doc, name));
  else if (kind === "ConfigMap") objects.configMaps.push(configMapOf(doc, name));
  else if (
    (kind === "IngressRoute" || kind === "Middleware") &&
    /traefik/.test(text(doc.data.apiVersion) ?? "")
  )
    objects.traefik.push({
      kind,
      name,
      spec: tree(doc.data.spec),
      lineOf: (p) => doc.lineOf(["spec", ...p]),
      file: doc.file,
      line: doc.lineOf(["kind"]),
    });
}

/** Parsed YAML documents of a file, or the error that stopped the parse. */
function yamlDocumentsOf(file: string): YamlDocument[] | LoadError {
  const source = readConfigSource(file);
  if (!source.ok) return source.error;
  return parseYamlDocuments(file, source.text);
}

const HELM_VALUES = /^values([.-][\w-]+)?\.ya?ml$/i;

const helmControllerConfig = (doc: YamlDocument) => tree(tree(doc.data.controller).config);

const isManifestOrValues = (doc: YamlDocument) =>
  text(doc.data.kind) !== undefined || Object.keys(helmControllerConfig(doc)).length > 0;

/** Reads manifest files (several documents each) and literal Helm values into one collection. */
export function loadKubernetesManifests(files: string[]): KubernetesObjects {
  const objects = emptyKubernetes();
  for (const file of files) {
    objects.files.push(file);
    const docs = yamlDocumentsOf(file);
    if (!Array.isArray(docs)) objects.errors.push(docs);
    // A chart's own values.yaml holds no object and is not meant to: only what it sets is read.
    else if (!docs.some(isManifestOrValues) && !HELM_VALUES.test(basename(file)))
      objects.errors.push({ file, line: 1, message: "no Kubernetes object (a document with a kind) in it" });
    else for (const doc of docs) addObject(objects, doc);
  }
  return objects;
}

declare module "../rule.js" {
  interface AuditInput {
    /** Kubernetes manifests and literal Helm values of the deployment. */
    kubernetes?: KubernetesObjects;
  }
}
