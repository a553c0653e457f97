/**
 * ingress-nginx as its manifests configure it: the controller ConfigMap (keys documented under
 * "ConfigMaps" at kubernetes.github.io/ingress-nginx) and the nginx.ingress.kubernetes.io/ annotations.
 */
import type { SourceLocation } from "../../report/model.js";
import { trustBreadth } from "../gunicorn/addresses.js";
import type { ConfigMap, Ingress, KubernetesObjects } from "./model.js";

/** Keys only the controller's ConfigMap has: a ConfigMap setting one of them configures the controller. */
const CONTROLLER_KEYS = new Set([
  "use-forwarded-headers",
  "proxy-real-ip-cidr",
  "enable-real-ip",
  "forwarded-for-header",
  "compute-full-forwarded-for",
  "ssl-redirect",
  "force-ssl-redirect",
  "hsts",
  "hsts-max-age",
  "hsts-include-subdomains",
  "use-proxy-protocol",
  "http-snippet",
  "server-snippet",
  "location-snippet",
]);

const ANNOTATION_PREFIX = "nginx.ingress.kubernetes.io/";

export interface ControllerValue {
  /** As written: the controller trims neither booleans nor hsts-max-age. */
  value: string;
  location: SourceLocation;
}

export function controllerConfigMaps(objects: KubernetesObjects | undefined): ConfigMap[] {
  return (objects?.configMaps ?? []).filter(
    (map) =>
      /ingress-nginx|nginx-configuration|nginx-ingress/.test(map.name) ||
      map.data.some((d) => CONTROLLER_KEYS.has(d.key)),
  );
}

/** A controller ConfigMap key as set (the last one read wins), or undefined for the controller's default. */
export function controllerValue(
  objects: KubernetesObjects | undefined,
  key: string,
): ControllerValue | undefined {
  const entry = controllerConfigMaps(objects)
    .flatMap((map) => map.data)
    .filter((d) => d.key === key)
    .at(-1);
  return entry ? { value: entry.value, location: { file: entry.file, line: entry.line } } : undefined;
}

/** Go's strconv.ParseBool, which reads boolean annotations; undefined where it errs (the default then applies). */
function parseBool(text: string): boolean | undefined {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(text)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(text)) return false;
  return undefined;
}

/**
 * A ConfigMap boolean as the controller decodes it (mapstructure with WeaklyTypedInput, in ReadConfig): as
 * ParseBool, except that an empty value is false; any other value that does not parse keeps the default.
 */
const configMapBool = (text: string): boolean | undefined => (text === "" ? false : parseBool(text));

export const isTrue = (setting: ControllerValue | undefined): boolean =>
  setting !== undefined && configMapBool(setting.value) === true;
export const isFalse = (setting: ControllerValue | undefined): boolean =>
  setting !== undefined && configMapBool(setting.value) === false;

/** A ConfigMap boolean for messages: "false" quoted, or what an empty value means. */
export const describeBool = (setting: ControllerValue): string =>
  setting.value === "" ? 'empty (the controller reads "" as "false")' : `"${setting.value}"`;

/** Ingresses the nginx controller serves: class nginx, or no class at all (the default class). */
export function nginxIngresses(objects: KubernetesObjects | undefined): Ingress[] {
  return (objects?.ingresses ?? []).filter(
    (ingress) => !ingress.className || /nginx/.test(ingress.className),
  );
}

/** The distinct hosts an Ingress routes, lower-cased; "" for a rule without host or the default backend. */
export const ingressHosts = (ingress: Ingress): string[] => [
  ...new Set(ingress.backends.map((backend) => backend.host.toLowerCase())),
];

/**
 * The hosts (lower-cased; "" for the default server) whose server has a certificate. A server's locations come
 * from every Ingress naming its host, so one Ingress's tls section gives the others' paths there TLS too.
 */
export function hostsWithCertificate(ingresses: Ingress[]): Set<string> {
  return new Set(ingresses.filter((ingress) => ingress.hasTls).flatMap((ingress) => ingressHosts(ingress)));
}

export function annotation(ingress: Ingress, key: string): ControllerValue | undefined {
  const entry = ingress.annotations.find((a) => a.name === `${ANNOTATION_PREFIX}${key}`);
  return entry ? { value: entry.value, location: { file: entry.file, line: entry.line } } : undefined;
}

/**
 * proxy-real-ip-cidr: the peers whose X-Forwarded-For (or PROXY header) the controller believes.
 * Unset, it is 0.0.0.0/0: every client.
 */
export function realIpTrustsEveryone(objects: KubernetesObjects | undefined): boolean {
  const cidr = controllerValue(objects, "proxy-real-ip-cidr");
  return !cidr || cidr.value.split(",").some((range) => trustBreadth(range) === "everyone");
}

/** A boolean setting as one Ingress's locations get it, and the line it came from (none for the default). */
export interface ResolvedBool {
  value: boolean;
  from?: ControllerValue & { source: "annotation" | "ConfigMap" };
}

/**
 * An annotation that defaults to the ConfigMap key of the same name, resolved as the controller does: the
 * annotation if it parses as a boolean, else the ConfigMap's if that decodes (empty there is false), else the
 * built-in default.
 * Each key falls back on its own (internal/ingress/annotations/rewrite/main.go), so an annotation never
 * overrides the ConfigMap's value of another key.
 */
export function resolveBool(
  objects: KubernetesObjects | undefined,
  ingress: Ingress,
  key: string,
  fallback: boolean,
): ResolvedBool {
  const candidates = [
    { source: "annotation" as const, setting: annotation(ingress, key), read: parseBool },
    { source: "ConfigMap" as const, setting: controllerValue(objects, key), read: configMapBool },
  ];
  for (const { source, setting, read } of candidates) {
    const value = setting && read(setting.value);
    if (setting && value !== undefined) return { value, from: { ...setting, source } };
  }
  return { value: fallback };
}
