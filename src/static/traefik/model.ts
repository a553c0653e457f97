/**
 * Traefik (v2/v3) configuration, read from its YAML or TOML files: the static configuration (entry
 * points, providers) and the file provider's dynamic configuration (routers, middlewares, services,
 * TLS options). Option names as documented at doc.traefik.io. Only what the rules need is modelled.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, extname, isAbsolute, join, resolve } from "node:path";
import type * as SmolToml from "smol-toml";
import { lazyPackage } from "../../lazy-package.js";
import { readConfigSource, type LoadError, type Located } from "../caddy/config-source.js";
import { parseYamlDocuments, tree, type YamlDocument } from "../yaml/documents.js";

const toml = lazyPackage<typeof SmolToml>("smol-toml");

export interface TraefikEntryPoint extends Located {
  name: string;
  address: string;
  /** forwardedHeaders.insecure: every peer's X-Forwarded-* is kept. */
  forwardedInsecure: boolean;
  /** forwardedHeaders.trustedIPs: the peers whose X-Forwarded-* is kept. */
  trustedIPs: string[];
  /** proxyProtocol.insecure: every peer's PROXY protocol header is believed. */
  proxyProtocolInsecure: boolean;
  /** proxyProtocol.trustedIPs: the peers whose PROXY protocol header is believed. */
  proxyProtocolTrustedIPs: string[];
  /** http.redirections.entryPoint: everything on this entry point is redirected. */
  redirectsTo?: string;
  /** http.tls set on the entry point: every router on it is TLS. */
  tls: boolean;
  /** http.middlewares: run before the router's own, for every router on this entry point. */
  middlewares: string[];
}

export interface TraefikRouter extends Located {
  name: string;
  rule: string;
  /** Names in Host(`...`) matchers of the rule. */
  hosts: string[];
  /** True when every request the rule matches names a host it lists: each alternative of a `||` has a Host matcher. */
  hostRestricted: boolean;
  /** True when the rule matches one exact path (a health check), not a prefix. */
  pathMatched: boolean;
  entryPoints: string[];
  middlewares: string[];
  service: string;
  tls: boolean;
}

export interface TraefikMiddleware extends Located {
  name: string;
  /** The middleware type, e.g. headers, redirectScheme. */
  kind: string;
  options: Record<string, unknown>;
}

export interface TraefikService extends Located {
  name: string;
  urls: string[];
  passHostHeader: boolean;
}

export interface TraefikConfig {
  files: string[];
  errors: LoadError[];
  entryPoints: TraefikEntryPoint[];
  routers: TraefikRouter[];
  middlewares: TraefikMiddleware[];
  services: TraefikService[];
  sniStrict: boolean;
}

const strings = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.filter((v): v is string => typeof v === "string")
    : typeof value === "string"
      ? value.split(",")
      : [];

type ParsedFile = YamlDocument;

function parseYaml(file: string, source: string): ParsedFile | LoadError {
  const docs = parseYamlDocuments(file, source);
  if (!Array.isArray(docs)) return docs;
  return docs[0] ?? { file, data: {}, lineOf: () => 1 };
}

function parseTomlFile(file: string, text: string): ParsedFile | LoadError {
  let data: unknown;
  try {
    data = toml().parse(text);
  } catch (err) {
    const line = (err as { line?: number }).line ?? 1;
    return { file, line, message: (err as Error).message.split("\n")[0] ?? "invalid TOML" };
  }
  const lines = text.split("\n");
  return {
    file,
    data: tree(data),
    // TOML carries no positions here: the line naming the deepest key found wins.
    lineOf(path) {
      for (let depth = path.length; depth > 0; depth--) {
        const key = path[depth - 1] as string;
        const index = lines.findIndex((line) =>
          new RegExp(`(^|[.\\["\\s])${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(["\\].\\s=]|$)`).test(line),
        );
        if (index >= 0) return index + 1;
      }
      return 1;
    },
  };
}

function parseFile(file: string): ParsedFile | LoadError {
  const source = readConfigSource(file);
  if (!source.ok) return source.error;
  return extname(file).toLowerCase() === ".toml"
    ? parseTomlFile(file, source.text)
    : parseYaml(file, source.text);
}

/**
 * A boolean as Traefik reads one (Go's strconv.ParseBool): YAML's true, or a string such as "True",
 * "TRUE", "t" or "1" from TOML, labels and flags; undefined for anything else.
 */
export function goBool(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value === 1 ? true : value === 0 ? false : undefined;
  if (typeof value !== "string") return undefined;
  if (["1", "t", "T", "TRUE", "true", "True"].includes(value)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(value)) return false;
  return undefined;
}

/** `hsts@file` names the middleware hsts: the provider suffix is dropped. */
const withoutProvider = (name: string) => name.replace(/@.*$/, "");

function entryPoints(parsed: ParsedFile): TraefikEntryPoint[] {
  return Object.entries(tree(parsed.data.entryPoints)).map(([name, raw]) => {
    const ep = tree(raw);
    const forwarded = tree(ep.forwardedHeaders);
    const proxyProtocol = tree(ep.proxyProtocol);
    const http = tree(ep.http);
    const redirection = tree(tree(http.redirections).entryPoint);
    return {
      name,
      address: typeof ep.address === "string" ? ep.address : "",
      forwardedInsecure: goBool(forwarded.insecure) === true,
      trustedIPs: strings(forwarded.trustedIPs),
      proxyProtocolInsecure: goBool(proxyProtocol.insecure) === true,
      proxyProtocolTrustedIPs: strings(proxyProtocol.trustedIPs),
      ...(typeof redirection.to === "string" ? { redirectsTo: redirection.to } : {}),
      tls: http.tls !== undefined,
      middlewares: strings(http.middlewares).map(withoutProvider),
      file: parsed.file,
      line: parsed.lineOf(["entryPoints", name]),
    };
  });
}

const HOST_MATCHER = /\bHost(?:SNI)?\(([^)]*)\)/g;

/** The quoted arguments of a matcher call. */
function quoted(args: string): string[] {
  return [...args.matchAll(/`([^`]*)`|"((?:[^"\\]|\\.)*)"|'([^']*)'/g)].map(
    (m) => m[1] ?? m[2] ?? m[3] ?? "",
  );
}

function hostsOf(rule: string): string[] {
  return [...rule.matchAll(HOST_MATCHER)].flatMap((m) => quoted(m[1] ?? "").filter((h) => h !== ""));
}

/** The parts of a rule between top-level `op`s: outside parentheses and quoted strings. */
function splitTopLevel(expr: string, op: "||" | "&&"): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "`" || c === '"' || c === "'") quote = c;
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (depth === 0 && expr.startsWith(op, i)) {
      parts.push(expr.slice(start, i));
      start = i + op.length;
      i += op.length - 1;
    }
  }
  parts.push(expr.slice(start));
  return parts.map((p) => p.trim());
}

/** `( ... )` around the whole expression. */
function parenthesized(expr: string): boolean {
  if (!expr.startsWith("(") || !expr.endsWith(")")) return false;
  let depth = 0;
  for (let i = 0; i < expr.length; i++) {
    if (expr[i] === "(") depth++;
    else if (expr[i] === ")" && --depth === 0) return i === expr.length - 1;
  }
  return false;
}

/**
 * Whether a router rule only matches requests for the hosts it names: every alternative of a `||` needs a
 * Host matcher, one `&&` operand with one is enough, and a negated matcher restricts nothing.
 */
function restrictsHost(expr: string, depth = 0): boolean {
  const rule = expr.trim();
  if (depth > 32 || rule === "") return false;
  const alternatives = splitTopLevel(rule, "||");
  if (alternatives.length > 1) return alternatives.every((a) => restrictsHost(a, depth + 1));
  const operands = splitTopLevel(rule, "&&");
  if (operands.length > 1) return operands.some((o) => restrictsHost(o, depth + 1));
  if (parenthesized(rule)) return restrictsHost(rule.slice(1, -1), depth + 1);
  if (/^HostRegexp\s*\(/.test(rule)) {
    const patterns = quoted(rule);
    return patterns.length > 0 && patterns.every((p) => !matchesForeignHosts(p));
  }
  return /^Host(?:SNI)?\s*\(/.test(rule) && hostsOf(rule).length > 0;
}

/** Names a request could not have meant for the site: a HostRegexp that matches them matches any Host. */
const FOREIGN_HOSTS = ["proxytrust-probe.invalid", "a", "x.y.z.invalid"];

/**
 * Whether a HostRegexp pattern lets in hosts nobody configured: `.*`, `.+`, v2's `{host:.+}`. v2 patterns
 * (`{name:regexp}`, `{name}` for one label) match the whole host; v3's are Go regexps, matched anywhere in it.
 */
function matchesForeignHosts(pattern: string): boolean {
  const caseless = pattern.startsWith("(?i)");
  let source = caseless ? pattern.slice(4) : pattern;
  const v2 = /\{[A-Za-z_][A-Za-z0-9_]*(?::[^}]*)?\}/.test(source);
  if (v2) {
    source = `^${source.replace(/\{[A-Za-z_][A-Za-z0-9_]*(?::((?:[^{}]|\{[^{}]*\})*))?\}/g, (_, re?: string) => `(?:${re ?? "[^.]+"})`)}$`;
  }
  let regexp: RegExp;
  try {
    regexp = new RegExp(source, caseless ? "i" : "");
  } catch {
    return true; // Unread, it restricts nothing we can vouch for.
  }
  return FOREIGN_HOSTS.some((host) => regexp.test(host));
}

function dynamicParts(
  parsed: ParsedFile,
): Pick<TraefikConfig, "routers" | "middlewares" | "services" | "sniStrict"> {
  const http = tree(parsed.data.http);
  const routers = Object.entries(tree(http.routers)).map(([name, raw]): TraefikRouter => {
    const router = tree(raw);
    const rule = typeof router.rule === "string" ? router.rule : "";
    return {
      name,
      rule,
      hosts: hostsOf(rule),
      hostRestricted: restrictsHost(rule),
      pathMatched: /\bPath\(/.test(rule),
      entryPoints: strings(router.entryPoints),
      middlewares: strings(router.middlewares).map(withoutProvider),
      service: typeof router.service === "string" ? router.service : "",
      tls: router.tls !== undefined,
      file: parsed.file,
      line: parsed.lineOf(["http", "routers", name]),
    };
  });
  const middlewares = Object.entries(tree(http.middlewares)).flatMap(([name, raw]): TraefikMiddleware[] =>
    Object.entries(tree(raw)).map(([kind, options]) => ({
      name,
      kind,
      options: tree(options),
      file: parsed.file,
      line: parsed.lineOf(["http", "middlewares", name]),
    })),
  );
  const services = Object.entries(tree(http.services)).map(([name, raw]): TraefikService => {
    const lb = tree(tree(raw).loadBalancer);
    const servers = Array.isArray(lb.servers) ? lb.servers.map(tree) : [];
    return {
      name,
      urls: servers.map((s) => (typeof s.url === "string" ? s.url : "")).filter(Boolean),
      passHostHeader: goBool(lb.passHostHeader) !== false,
      file: parsed.file,
      line: parsed.lineOf(["http", "services", name]),
    };
  });
  const sniStrict = goBool(tree(tree(tree(parsed.data.tls).options).default).sniStrict) === true;
  return { routers, middlewares, services, sniStrict };
}

/** A path the static file names: as written (relative to the static file's folder), else its last part beside it. */
function besideStatic(staticFile: string, named: string): string[] {
  return [
    isAbsolute(named) ? named : join(dirname(staticFile), named),
    join(dirname(staticFile), basename(named)),
  ];
}

/**
 * Every .yml, .yaml and .toml file in the file provider's directory, as Traefik reads them: its subfolders
 * too (folders that are symlinks are not followed), each folder in name order.
 */
function filesUnder(directory: string): string[] {
  const entries = readdirSync(directory, { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  return entries.flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return filesUnder(path);
    return /\.(ya?ml|toml)$/i.test(entry.name) ? [path] : [];
  });
}

/** The file provider's files: filename as configured (else the file of that name beside the static one), and every file under directory. */
function dynamicFiles(staticFile: string, parsed: ParsedFile): (string | LoadError)[] {
  const provider = tree(tree(parsed.data.providers).file);
  const found: (string | LoadError)[] = [];
  const named = typeof provider.filename === "string" ? provider.filename : undefined;
  if (named) {
    const candidates = besideStatic(staticFile, named);
    // A static file that names itself (one file for both) is read already.
    if (!candidates.some((c) => resolve(c) === resolve(staticFile))) {
      // Its routers and services are what the rules judge: without them, silence would read as a pass.
      found.push(
        candidates.find((c) => existsSync(c)) ?? {
          file: staticFile,
          line: parsed.lineOf(["providers", "file", "filename"]),
          message: `providers.file.filename ${named}: no such file here or beside this one`,
        },
      );
    }
  }
  const directory = typeof provider.directory === "string" ? provider.directory : undefined;
  if (directory) {
    const dir = besideStatic(staticFile, directory).find((c) => existsSync(c) && statSync(c).isDirectory());
    if (dir) found.push(...filesUnder(dir).filter((f) => resolve(f) !== resolve(staticFile)));
    else
      found.push({
        file: staticFile,
        line: parsed.lineOf(["providers", "file", "directory"]),
        message: `providers.file.directory ${directory}: no such folder here or beside this file`,
      });
  }
  return found;
}

/** Top-level keys of Traefik's static and dynamic configuration. */
const TRAEFIK_KEYS = new Set([
  "entryPoints",
  "providers",
  "api",
  "log",
  "accessLog",
  "metrics",
  "ping",
  "global",
  "serversTransport",
  "certificatesResolvers",
  "experimental",
  "tracing",
  "http",
  "tcp",
  "udp",
  "tls",
]);

export function emptyTraefikConfig(): TraefikConfig {
  return {
    files: [],
    errors: [],
    entryPoints: [],
    routers: [],
    middlewares: [],
    services: [],
    sniStrict: false,
  };
}

/**
 * Adds one source's entry points, routers, middlewares and services: a file, or a tree built from
 * Docker labels, command-line flags or Kubernetes CRDs in the same shape as the file provider's.
 */
export function addTraefikSource(config: TraefikConfig, part: YamlDocument): void {
  if (!config.files.includes(part.file)) config.files.push(part.file);
  config.entryPoints.push(...entryPoints(part));
  const dynamic = dynamicParts(part);
  config.routers.push(...dynamic.routers);
  config.middlewares.push(...dynamic.middlewares);
  config.services.push(...dynamic.services);
  config.sniStrict ||= dynamic.sniStrict;
}

/** Both views in one: entry points from one source apply to routers from another. */
export function addTraefikConfig(into: TraefikConfig, part: TraefikConfig): TraefikConfig {
  return {
    files: [...into.files, ...part.files.filter((f) => !into.files.includes(f))],
    errors: [...into.errors, ...part.errors],
    entryPoints: [...into.entryPoints, ...part.entryPoints],
    routers: [...into.routers, ...part.routers],
    middlewares: [...into.middlewares, ...part.middlewares],
    services: [...into.services, ...part.services],
    sniStrict: into.sniStrict || part.sniStrict,
  };
}

/** Reads the static file and the dynamic files it names (a dynamic file alone is read as such too). */
export function loadTraefikConfig(file: string): TraefikConfig {
  const config = emptyTraefikConfig();
  const first = parseFile(file);
  if (!("data" in first)) return { ...config, errors: [first] };
  if (!Object.keys(first.data).some((key) => TRAEFIK_KEYS.has(key)))
    return {
      ...config,
      errors: [
        {
          file,
          line: 1,
          message: `no Traefik configuration in it (none of ${[...TRAEFIK_KEYS].join(", ")})`,
        },
      ],
    };
  const parsed = [first];
  for (const dynamic of dynamicFiles(file, first)) {
    const next = typeof dynamic === "string" ? parseFile(dynamic) : dynamic;
    if ("data" in next) parsed.push(next);
    else config.errors.push(next);
  }
  for (const part of parsed) addTraefikSource(config, part);
  return config;
}

/** The entry points a router listens on: those it names, else all of them. */
export function routerEntryPoints(config: TraefikConfig, router: TraefikRouter): TraefikEntryPoint[] {
  return config.entryPoints.filter(
    (ep) => router.entryPoints.length === 0 || router.entryPoints.includes(ep.name),
  );
}

/** Chains nest; a cycle or a runaway depth stops the expansion. */
const MAX_CHAIN_DEPTH = 10;

function expandMiddlewares(
  config: TraefikConfig,
  names: readonly string[],
  seen: ReadonlySet<string>,
): TraefikMiddleware[] {
  if (seen.size > MAX_CHAIN_DEPTH) return [];
  return names.flatMap((name) =>
    seen.has(name)
      ? []
      : config.middlewares
          .filter((m) => m.name === name)
          .flatMap((m) =>
            m.kind === "chain"
              ? expandMiddlewares(
                  config,
                  strings(m.options.middlewares).map(withoutProvider),
                  new Set([...seen, name]),
                )
              : [m],
          ),
  );
}

/**
 * The middlewares a router's requests go through on one entry point, in order: the entry point's
 * http.middlewares (Traefik prepends them to every router on it), then the router's own, each chain
 * middleware replaced by the middlewares it lists. Without an entry point, the router's own only.
 */
export function effectiveMiddlewares(
  config: TraefikConfig,
  router: TraefikRouter,
  entryPoint?: TraefikEntryPoint,
): TraefikMiddleware[] {
  return expandMiddlewares(config, [...(entryPoint?.middlewares ?? []), ...router.middlewares], new Set());
}

declare module "../rule.js" {
  interface AuditInput {
    traefik?: TraefikConfig;
  }
}
