/** A whole audit: load every file given, run every rule over what loaded, build the report. */
import { constants } from "node:fs";
import { access, readFile, stat } from "node:fs/promises";
import { relative } from "node:path";
import { PROXY_KINDS, type FixTarget } from "../clauses.js";
import { decidedNothing, type CheckResult, type Report, type SourceLocation } from "../report/model.js";
import { VERSION } from "../version.js";
import { appEnvironment } from "./deployment/environment.js";
import { isSecretName, type EnvironmentEntry } from "./environment.js";
import type { AppServerFile } from "./appserver/load.js";
import type { CaddyConfig } from "./caddy/model.js";
import type { PythonSettingsRequest } from "./python/runtime-settings.js";
import type { DjangoSettings } from "./python/settings-model.js";
import type { TraefikConfig } from "./traefik/model.js";
import type { AuditInput, StaticRule } from "./rule.js";
import { configErrors, problemsPerConfig } from "./rules/config-errors.js";
import { ALL_RULES } from "./rules/index.js";
import { describeFileError } from "../file-error.js";
import { withSiteHost } from "../fix-text.js";
import { siteHostOf } from "./site-host.js";

export interface AuditFiles {
  settings?: string;
  nginx?: string;
  caddy?: string;
  haproxy?: string;
  /** Traefik's static configuration (the dynamic file it names is read too) or a dynamic file. */
  traefik?: string;
  gunicorn?: string;
  /** An Apache vhost, or a whole apache2.conf with its Includes. */
  apache?: string;
  /** A file that says how the app server runs (launch file, uwsgi.ini, waitress ini, gunicorn.conf.py). */
  appServer?: string;
  /** Compose files of one deployment. */
  compose?: string[];
  /** Kubernetes manifests and literal Helm values of one deployment. */
  kubernetes?: string[];
}

export interface AuditOutcome {
  report: Report;
  /** Values from the deployment's descriptors that the settings read instead of their defaults. */
  environmentUsed?: EnvironmentEntry[];
  /** Set when no file could be read at all. */
  couldNotRun?: string;
  /** False when nothing was judged: no file was read without a problem and no rule reached a verdict. */
  decided: boolean;
}

const MAX_COMMENT_ONLY_BYTES = 64 * 1024;

const onlyComments = (text: string): boolean => text.split("\n").every((line) => /^\s*(#.*)?$/.test(line));

/** Why a file cannot be opened at all or holds nothing to judge, or undefined when it can be read. */
async function unreadable(file: string, emptyMeansDefaults: boolean): Promise<string | undefined> {
  try {
    const stats = await stat(file);
    if (!stats.isFile()) return "not a regular file";
    // No finding in an empty file would be a pass for a config nobody wrote; an empty
    // gunicorn.conf.py is gunicorn running on its defaults, which the rules judge.
    await access(file, constants.R_OK);
    if (emptyMeansDefaults) return undefined;
    if (stats.size === 0) return "the file is empty";
    // Every format read here writes comments with #: a file of only those is as empty.
    if (stats.size <= MAX_COMMENT_ONLY_BYTES && onlyComments(await readFile(file, "utf8")))
      return "the file holds only comments";
    return undefined;
  } catch (err) {
    return describeFileError(err);
  }
}

/** The Caddyfile as this parser reads it, with what the real `caddy adapt` disagrees with, when installed. */
async function loadCheckedCaddyfile(file: string): Promise<CaddyConfig> {
  const [{ loadCaddyfile }, { adaptDisagreements }] = await Promise.all([
    import("./caddy/model.js"),
    import("./caddy/adapt.js"),
  ]);
  const config = loadCaddyfile(file);
  config.errors.push(...adaptDisagreements(config));
  return config;
}

/**
 * Loads what was given; reading problems inside files stay in each config for the config-error rule.
 * Each reader is imported only when its kind of file was given: an nginx-only audit never loads the
 * YAML, TOML or Python parsers.
 */
async function loadAll(
  files: AuditFiles,
): Promise<{ input: AuditInput; crashes: CheckResult[]; environmentUsed: EnvironmentEntry[] }> {
  const input: AuditInput = {};
  const crashes: CheckResult[] = [];
  let found: AppServerFile | undefined;
  const attempt = async <F extends string | string[], T>(
    file: F | undefined,
    load: (f: F) => T | Promise<T>,
    store: (value: T) => void,
  ) => {
    if (!file) return;
    try {
      store(await load(file));
    } catch (err) {
      const first: string = typeof file === "string" ? file : (file[0] ?? "");
      crashes.push(problem(first, `could not be loaded: ${(err as Error).message.split("\n")[0]}`));
    }
  };
  // Descriptors first: the environment they give the app decides what the settings evaluate to.
  await attempt(
    files.compose?.length ? files.compose : undefined,
    async (f) => f.map((await import("./compose/model.js")).loadComposeFile),
    (v) => (input.compose = v),
  );
  await attempt(
    files.kubernetes?.length ? files.kubernetes : undefined,
    async (f) => (await import("./kubernetes/model.js")).loadKubernetesManifests(f),
    (v) => (input.kubernetes = v),
  );
  const environment = appEnvironment(input, files.settings);
  const literal = new Map(
    environment.flatMap((e) =>
      e.value !== undefined && !isSecretName(e.name) ? [[e.name, e.value] as const] : [],
    ),
  );
  await Promise.all([
    attempt(
      files.settings,
      async (f) => (await import("./python/load-settings.js")).loadDjangoSettings(f, literal),
      (v) => (input.settings = v),
    ),
    attempt(
      files.nginx,
      async (f) => (await import("./nginx/loader.js")).loadNginxConfig(f),
      (v) => (input.nginx = v),
    ),
    attempt(files.caddy, loadCheckedCaddyfile, (v) => (input.caddy = v)),
    attempt(
      files.haproxy,
      async (f) => (await import("./haproxy/model.js")).loadHaproxyConfig(f),
      (v) => (input.haproxy = v),
    ),
    attempt(
      files.traefik,
      async (f) => (await import("./traefik/model.js")).loadTraefikConfig(f),
      (v) => (input.traefik = v),
    ),
    attempt(
      files.gunicorn,
      async (f) => (await import("./gunicorn/model.js")).loadGunicornConfig(f),
      (v) => (input.gunicorn = v),
    ),
    attempt(
      files.apache,
      async (f) => (await import("./apache/model.js")).loadApacheConfig(f),
      (v) => (input.apache = v),
    ),
    attempt(
      files.appServer,
      async (f) => (await import("./appserver/load.js")).loadAppServerFile(f),
      (v) => (found = v),
    ),
  ]);
  if (found) {
    input.appServers = found.appServers;
    input.appServerErrors = found.errors;
    // --gunicorn names gunicorn's own config, which wins over a gunicorn command line found elsewhere.
    if (found.gunicorn && !input.gunicorn) input.gunicorn = found.gunicorn;
  }
  input.traefik = await mergeTraefik(input);
  const read = new Set(input.settings?.deploymentVariables ?? []);
  return { input, crashes, environmentUsed: environment.filter((e) => read.has(e.name)) };
}

/** One Traefik view from its file, Docker labels and CRDs; undefined when none configures it. */
async function mergeTraefik(input: AuditInput): Promise<TraefikConfig | undefined> {
  if (!input.compose && !input.kubernetes) return input.traefik;
  const [{ traefikFromCompose, traefikFromKubernetes }, { addTraefikConfig, emptyTraefikConfig }] =
    await Promise.all([import("./traefik/providers.js"), import("./traefik/model.js")]);
  const present = [
    input.traefik,
    ...(input.compose ?? []).map(traefikFromCompose),
    input.kubernetes && traefikFromKubernetes(input.kubernetes),
  ].filter((p): p is TraefikConfig => p !== undefined);
  if (present.length <= 1) return present[0];
  return present.reduce((all, part) => addTraefikConfig(all, part), emptyTraefikConfig());
}

function problem(file: string, message: string): CheckResult {
  return {
    id: configErrors.meta.id,
    clause: configErrors.meta.clause,
    status: "error",
    severity: configErrors.meta.severity,
    title: configErrors.meta.title,
    summary: message,
    evidence: [],
    location: display({ file, line: 1 }),
  };
}

/** Proxies whose fix lines an audit shows: those whose config it read, or all when it read none. */
function proxiesRead(input: AuditInput): ReadonlySet<string> | undefined {
  const read = (["nginx", "caddy", "haproxy", "apache"] as const).filter((kind) => input[kind]);
  return read.length > 0 ? new Set(read) : undefined;
}

function fixText(
  fix: Partial<Record<FixTarget, string>>,
  siteHost: () => string | undefined,
  shownProxies: ReadonlySet<string> | undefined,
): string {
  const entries = Object.entries(fix);
  const relevant = entries.filter(
    ([target]) =>
      !shownProxies || !(PROXY_KINDS as readonly string[]).includes(target) || shownProxies.has(target),
  );
  const text = (relevant.length > 0 ? relevant : entries)
    .map(([target, line]) => `${target}: ${line}`)
    .join("\n");
  return text.includes("example.com") ? withSiteHost(text, siteHost()) : text;
}

function display(location: SourceLocation): SourceLocation {
  const file = relative(process.cwd(), location.file);
  return { ...location, file: file.startsWith("..") ? location.file : file };
}

export function applyRules(input: AuditInput, rules: readonly StaticRule[]): CheckResult[] {
  // Thousands of findings share a few files: each path is made relative once.
  const shownFiles = new Map<string, string>();
  const shown = (location: SourceLocation): SourceLocation => {
    let file = shownFiles.get(location.file);
    if (file === undefined) shownFiles.set(location.file, (file = display(location).file));
    return location.column === undefined
      ? { file, line: location.line }
      : { file, line: location.line, column: location.column };
  };
  // Read only when a fix needs it: building the proxy's routes again costs time on large configs.
  let siteHost: { name?: string } | undefined;
  const siteName = () => (siteHost ??= { name: siteHostOf(input) }).name;
  const shownProxies = proxiesRead(input);
  return rules.flatMap((rule): CheckResult[] => {
    const base = {
      id: rule.meta.id,
      clause: rule.meta.clause,
      severity: rule.meta.severity,
      title: rule.meta.title,
      evidence: [],
    };
    try {
      const findings = rule.check(input);
      let fixShown: string | undefined;
      const fix = () => (fixShown ??= fixText(rule.meta.fix, siteName, shownProxies));
      // Literals rather than spreading `base`: object spread is slow enough to matter at 100,000 findings.
      return findings.map((finding) => ({
        id: base.id,
        clause: base.clause,
        severity: base.severity,
        title: base.title,
        evidence: base.evidence,
        status: finding.status,
        summary: finding.message,
        location: shown(finding.location),
        fix: fix(),
      }));
    } catch (err) {
      return [{ ...base, status: "error", summary: `the rule could not run: ${(err as Error).message}` }];
    }
  });
}

const ORDER = { fail: 0, error: 1, warn: 2, skip: 3, pass: 4 } as const;

/** audit --python: the settings from the project's interpreter, or why they could not be read. */
async function importSettings(
  python: PythonSettingsRequest,
): Promise<{ settings?: DjangoSettings; couldNotRun?: string }> {
  const { importDjangoSettings, RuntimeSettingsError } = await import("./python/runtime-settings.js");
  try {
    return { settings: await importDjangoSettings(python) };
  } catch (err) {
    if (err instanceof RuntimeSettingsError) return { couldNotRun: err.message };
    throw err;
  }
}

function auditReport(targets: string[], checks: CheckResult[]): Report {
  return { tool: "proxytrust", version: VERSION, command: "audit", target: targets.join(", "), checks };
}

export async function runAudit(
  files: AuditFiles,
  rules: readonly StaticRule[] = ALL_RULES,
  /** Read the settings by importing them with Python instead of from `files.settings`. */
  python?: PythonSettingsRequest,
): Promise<AuditOutcome> {
  const imported = python ? await importSettings(python) : {};
  const pythonTarget = python
    ? `${python.module} (imported by ${python.python}: --python runs the project's code)`
    : undefined;
  if (imported.couldNotRun)
    return {
      report: auditReport([pythonTarget!], []),
      couldNotRun: imported.couldNotRun,
      decided: false,
    };
  const given = Object.values(files)
    .flat()
    .filter((f): f is string => Boolean(f));
  const reasons = await Promise.all(given.map((f) => unreadable(f, f === files.gunicorn)));
  const readableFile = (f: string) => reasons[given.indexOf(f)] === undefined;
  // An unreadable file is one problem, not a set of findings about defaults it never set.
  const readable = Object.fromEntries(
    Object.entries(files).flatMap(
      ([role, f]: [string, string | string[] | undefined]): [string, unknown][] => {
        if (Array.isArray(f)) return [[role, f.filter(readableFile)]];
        return f && readableFile(f) ? [[role, f]] : [];
      },
    ),
  ) as AuditFiles;
  const { input, crashes, environmentUsed } = await loadAll(readable);
  if (imported.settings) input.settings = imported.settings;
  crashes.push(...given.flatMap((f, i) => (reasons[i] ? [problem(f, `cannot be read: ${reasons[i]}`)] : [])));
  const findings = applyRules(input, rules).sort((a, b) => ORDER[a.status] - ORDER[b.status]);
  // A file read in two roles (a compose file's services and its app server) is one target.
  const targets = [...new Set(given.map((f) => display({ file: f, line: 0 }).file))];
  const report = auditReport(pythonTarget ? [pythonTarget, ...targets] : targets, [...crashes, ...findings]);
  if (given.length > 0 && !imported.settings && reasons.every((r) => r !== undefined)) {
    return {
      report,
      couldNotRun: given.map((f, i) => `${f}: ${reasons[i]}`).join("; "),
      decided: false,
    };
  }
  // A file read without a problem is judged even when no rule has anything to say about it.
  const readCleanly = problemsPerConfig(input).some((list) => list.length === 0);
  return { report, environmentUsed, decided: readCleanly || !decidedNothing(report) };
}
