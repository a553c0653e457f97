/**
 * A Compose file (compose.yaml / docker-compose.yml, the Compose Specification): the services with
 * what decides who can reach them and what they run. Only what discovery and the rules need.
 */
import { dirname, isAbsolute, join } from "node:path";
import { readConfigSource, type LoadError, type Located } from "../caddy/config-source.js";
import {
  djangoAppEvidence,
  dockerfileFacts,
  proxyOfImage,
  type ImageProxy,
} from "../deployment/app-server.js";
import { literalEnvironment, readEnvFile, type EnvironmentEntry } from "../environment.js";
import { composeCommandWords } from "../launch/compose.js";
import { composeLaunches } from "../launch/dockerfile.js";
import { launchBinds } from "../appserver/load.js";
import type { Launch } from "../launch/model.js";
import { isTree, parseYamlDocuments, text, tree, type YamlDocument } from "../yaml/documents.js";

export interface PublishedPort extends Located {
  /** The host address it is published on; "" for every interface (the default). */
  hostIp: string;
  /** Host port or range; "" when Docker picks one (`ports: ["8000"]`). */
  published: string;
  /** Container port or range. */
  target: string;
}

export interface VolumeMount {
  /** The host path as written, resolved against the Compose file's directory for bind mounts. */
  source: string;
  target: string;
}

export interface ComposeService extends Located {
  name: string;
  image?: string;
  /** The Dockerfile built for this service, resolved to a path, when it has a build section. */
  dockerfile?: string;
  /** command / entrypoint as one string each (list forms joined with spaces). */
  command?: string;
  entrypoint?: string;
  environment: EnvironmentEntry[];
  /** env_file entries that could not be read, with why. */
  envFileProblems: LoadError[];
  ports: PublishedPort[];
  expose: string[];
  networks: string[];
  labels: (Located & { name: string; value: string })[];
  volumes: VolumeMount[];
  /** Why this service is taken for the Django app (what it runs or sets), when it is. */
  djangoApp?: string;
  /** The reverse proxy it runs, from its image or the FROM of the Dockerfile it builds. */
  proxy?: ImageProxy;
  /** DJANGO_SETTINGS_MODULE from its environment, else its Dockerfile's ENV. */
  settingsModule?: string;
  /** `network_mode:` as written ("host" shares the host's own interfaces). */
  networkMode?: Located & { value: string };
  /** The processes it starts: its command / entrypoint, else its Dockerfile's. */
  launches: Launch[];
  /** The servers those processes start and where each listens (read from the config files they read). */
  listening: { server: string; binds: string[] }[];
}

export interface ComposeProject {
  file: string;
  services: ComposeService[];
  errors: LoadError[];
}

const list = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : value === undefined ? [] : [value];
const joined = (value: unknown): string | undefined =>
  Array.isArray(value) ? value.map(String).join(" ") : text(value);

/** "127.0.0.1:8000:8000/tcp", "8000:8000", "8000", "[::1]:80:80": host address, host port, container port. */
function parsePortSpec(spec: string): Omit<PublishedPort, "file" | "line"> {
  const withoutProtocol = spec.replace(/\/(tcp|udp|sctp)$/i, "");
  const bracketed = /^\[([^\]]*)\]:(.*)$/.exec(withoutProtocol);
  const parts = bracketed
    ? [bracketed[1] as string, ...(bracketed[2] as string).split(":")]
    : withoutProtocol.split(":");
  if (parts.length >= 3)
    return {
      hostIp: parts.slice(0, -2).join(":"),
      published: parts.at(-2) as string,
      target: parts.at(-1) as string,
    };
  if (parts.length === 2) return { hostIp: "", published: parts[0] as string, target: parts[1] as string };
  return { hostIp: "", published: "", target: parts[0] as string };
}

function ports(doc: YamlDocument, path: string[], raw: unknown): PublishedPort[] {
  return list(raw).map((entry, index) => {
    const location = { file: doc.file, line: doc.lineOf([...path, index]) };
    if (typeof entry === "object" && entry !== null) {
      const long = tree(entry);
      return {
        hostIp: text(long.host_ip) ?? "",
        published: text(long.published) ?? "",
        target: text(long.target) ?? "",
        ...location,
      };
    }
    return { ...parsePortSpec(String(entry)), ...location };
  });
}

function environment(doc: YamlDocument, path: string[], raw: unknown): EnvironmentEntry[] {
  if (Array.isArray(raw))
    return raw.map((item, index) => {
      const [name, ...rest] = String(item).split("=");
      const where = { file: doc.file, line: doc.lineOf([...path, index]) };
      return literalEnvironment(name as string, rest.length ? rest.join("=") : undefined, where);
    });
  return Object.entries(tree(raw)).map(([name, value]) =>
    literalEnvironment(name, value, { file: doc.file, line: doc.lineOf([...path, name]) }),
  );
}

function resolve(base: string, path: string): string {
  return isAbsolute(path) ? path : join(base, path);
}

function envFiles(doc: YamlDocument, raw: unknown): { entries: EnvironmentEntry[]; problems: LoadError[] } {
  const base = dirname(doc.file);
  const entries: EnvironmentEntry[] = [];
  const problems: LoadError[] = [];
  list(raw).forEach((item, index) => {
    const path = typeof item === "object" ? text(tree(item).path) : text(item);
    if (!path) return;
    const read = readEnvFile(resolve(base, path));
    if (typeof read === "string") {
      const required = typeof item !== "object" || tree(item).required !== false;
      if (required)
        problems.push({
          file: doc.file,
          line: doc.lineOf(["env_file", index]),
          message: `env_file ${path}: ${read}`,
        });
    } else entries.push(...read);
  });
  return { entries, problems };
}

function labels(doc: YamlDocument, path: string[], raw: unknown): ComposeService["labels"] {
  const pairs: [string, unknown, number | string][] = Array.isArray(raw)
    ? raw.map((item, index) => {
        const [name, ...rest] = String(item).split("=");
        return [name as string, rest.join("="), index];
      })
    : Object.entries(tree(raw)).map(([name, value]) => [name, value, name]);
  return pairs.map(([name, value, key]) => ({
    name,
    value: text(value) ?? "",
    file: doc.file,
    line: doc.lineOf([...path, key]),
  }));
}

function volumes(base: string, raw: unknown): VolumeMount[] {
  return list(raw).flatMap((item): VolumeMount[] => {
    if (typeof item === "object" && item !== null) {
      const long = tree(item);
      const source = text(long.source);
      return source && long.type === "bind"
        ? [{ source: resolve(base, source), target: text(long.target) ?? "" }]
        : [];
    }
    const [source, target] = String(item).split(":");
    // Named volumes ("pgdata:/var/lib/postgresql") hold no file of the repository.
    if (!source || !target || !/^[./~]/.test(source)) return [];
    return [{ source: resolve(base, source), target }];
  });
}

function service(doc: YamlDocument, name: string, raw: unknown): ComposeService {
  const spec = tree(raw);
  const path = ["services", name];
  const base = dirname(doc.file);
  const build = typeof spec.build === "string" ? { context: spec.build } : tree(spec.build);
  const context = text(build.context);
  const dockerfile =
    context !== undefined
      ? resolve(resolve(base, context), text(build.dockerfile) ?? "Dockerfile")
      : undefined;
  const fromFiles = envFiles(doc, spec.env_file);
  const command = joined(spec.command);
  const entrypoint = joined(spec.entrypoint);
  const image = text(spec.image);
  const env = [...fromFiles.entries, ...environment(doc, [...path, "environment"], spec.environment)];
  const built = dockerfile ? dockerfileFacts(dockerfile) : undefined;
  const launches = launchesOf(
    doc,
    path,
    spec,
    env,
    dockerfile && built ? { file: dockerfile, text: built.source } : undefined,
  );
  // What runs, as Docker combines the service's command with the image's ENTRYPOINT and CMD.
  const runs =
    launches.length > 0
      ? launches.map((l) => l.argv.join(" ")).join(" ")
      : `${entrypoint ?? ""} ${command ?? ""}`;
  const djangoApp = djangoAppEvidence(runs, env);
  const proxy = proxyOfImage(image) ?? proxyOfImage(built?.baseImage);
  const settingsModule = env.find((e) => e.name === "DJANGO_SETTINGS_MODULE")?.value ?? built?.settingsModule;
  const networkMode = text(spec.network_mode);
  return {
    name,
    ...(image ? { image } : {}),
    ...(dockerfile ? { dockerfile } : {}),
    ...(command ? { command } : {}),
    ...(entrypoint ? { entrypoint } : {}),
    environment: env,
    envFileProblems: fromFiles.problems,
    ports: ports(doc, [...path, "ports"], spec.ports),
    expose: list(spec.expose).map(String),
    networks: Array.isArray(spec.networks) ? spec.networks.map(String) : Object.keys(tree(spec.networks)),
    labels: labels(doc, [...path, "labels"], spec.labels),
    volumes: volumes(base, spec.volumes),
    ...(djangoApp ? { djangoApp } : {}),
    ...(proxy ? { proxy } : {}),
    ...(settingsModule ? { settingsModule } : {}),
    ...(networkMode
      ? { networkMode: { value: networkMode, file: doc.file, line: doc.lineOf([...path, "network_mode"]) } }
      : {}),
    launches,
    listening: launches.flatMap((launch) => launchBinds(launch) ?? []),
    file: doc.file,
    line: doc.lineOf(path),
  };
}

/**
 * What the service runs, peeled of shell layers as a launch file's would be: its own command line, or
 * with a Dockerfile built for it, the image's ENTRYPOINT, CMD and ENV combined with it as Docker does.
 */
function launchesOf(
  doc: YamlDocument,
  path: string[],
  spec: Record<string, unknown>,
  env: EnvironmentEntry[],
  image: { file: string; text: string } | undefined,
): Launch[] {
  const key =
    spec.command !== undefined ? "command" : spec.entrypoint !== undefined ? "entrypoint" : undefined;
  const where = { file: doc.file, line: doc.lineOf(key ? [...path, key] : path) };
  // Problems with the command line are the launch reader's to report (audit --app-server).
  const ignored: LoadError[] = [];
  const words = (raw: unknown) => (raw === undefined ? undefined : composeCommandWords(raw, where, ignored));
  // An interpolated value is known only where Compose runs, but the variable is set: it stays as written.
  const known = Object.fromEntries(
    env.flatMap((e) => {
      const value = e.value ?? e.interpolated;
      return value !== undefined ? [[e.name, value]] : [];
    }),
  );
  const override = {
    entrypoint: words(spec.entrypoint),
    command: words(spec.command),
    env: known,
    location: where,
  };
  return composeLaunches(image, override).map((launch) => ({ ...launch, name: path.at(-1) as string }));
}

/** The service that proxies for the project, by image or Dockerfile, or Traefik by its labels. */
export function proxyServiceOf(project: ComposeProject): string | undefined {
  const proxy = project.services.find((s) => s.proxy);
  if (proxy) return `${proxy.name} (${proxy.proxy})`;
  return project.services.some((s) => s.labels.some((l) => /^traefik\.http\.routers\./i.test(l.name)))
    ? "Traefik (by labels)"
    : undefined;
}

export function loadComposeFile(file: string): ComposeProject {
  const source = readConfigSource(file);
  if (!source.ok) return { file, services: [], errors: [source.error] };
  const docs = parseYamlDocuments(file, source.text);
  if (!Array.isArray(docs)) return { file, services: [], errors: [docs] };
  const doc = docs[0];
  if (!isTree(doc?.data.services)) {
    const included =
      doc && "include" in tree(doc.data)
        ? " (files under include: are not followed: name each with --compose)"
        : "";
    return { file, services: [], errors: [{ file, line: 1, message: `no services in it${included}` }] };
  }
  const services = Object.entries(tree(doc.data.services)).map(([name, raw]) => service(doc, name, raw));
  return { file, services, errors: services.flatMap((s) => s.envFileProblems) };
}

declare module "../rule.js" {
  interface AuditInput {
    /** Compose files of the deployment. */
    compose?: ComposeProject[];
  }
}
