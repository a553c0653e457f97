/**
 * Pairing what was found into deployments: a Compose project's app service with the proxy service in
 * front of it and the settings module it names; Kubernetes manifests with the settings their Django
 * pods name; and the remaining settings modules with the proxy configs beside them.
 */
import { basename, dirname, join, posix, relative } from "node:path";
import type { AuditFiles } from "../audit.js";
import { flatten, loadApacheConfig, realPath } from "../apache/model.js";
import { loadComposeFile, type ComposeProject, type ComposeService } from "../compose/model.js";
import { loadKubernetesManifests } from "../kubernetes/model.js";
import { readHead, type FileKind, type Recognised } from "./recognise.js";
import type { IgnoredPath } from "./walk.js";

export interface DeploymentPlan {
  name: string;
  files: AuditFiles;
  /** Why these files were put together, one reason a line. */
  pairedBecause: string[];
}

export interface Pairing {
  deployments: DeploymentPlan[];
  ignored: IgnoredPath[];
}

type ProxyRole = "nginx" | "caddy" | "haproxy" | "traefik" | "apache";
const PROXY_ROLES: readonly ProxyRole[] = ["nginx", "caddy", "haproxy", "traefik", "apache"];

interface Context {
  root: string;
  allFiles: ReadonlySet<string>;
  found: Recognised[];
  ignored: IgnoredPath[];
}

const ofKind = (found: Recognised[], kind: FileKind) =>
  found.filter((f) => f.kind === kind).map((f) => f.file);
const absolute = (context: Context, file: string) => join(context.root, file);
const rel = (context: Context, file: string) => relative(context.root, file).split("\\").join("/");

/** "config.settings.production" → the repository file for it, preferring one near `near`. */
function resolveModule(context: Context, module: string, near = ""): string | undefined {
  const tail = module.replace(/\./g, "/");
  const matches = [...context.allFiles].filter(
    (f) =>
      f === `${tail}.py` ||
      f.endsWith(`/${tail}.py`) ||
      f === `${tail}/__init__.py` ||
      f.endsWith(`/${tail}/__init__.py`),
  );
  const nearDir = posix.dirname(near);
  return matches.sort(
    (a, b) => Number(b.startsWith(nearDir)) - Number(a.startsWith(nearDir)) || a.length - b.length,
  )[0];
}

/** Settings files another settings file star-imports or includes (split-settings): read through it, not alone. */
function importedSettings(context: Context, settings: string[]): Map<string, string[]> {
  const importedBy = new Map<string, string[]>();
  for (const file of settings) {
    const text = readHead(absolute(context, file));
    const dir = posix.dirname(file);
    const targets = [
      ...[...text.matchAll(/^\s*from\s+(\.+)([\w.]*)\s+import\s+\*/gm)].map((m) => {
        const up = (m[1] as string).length - 1;
        const base = posix.join(dir, ...Array<string>(up).fill(".."));
        return [
          posix.join(base, ...(m[2] as string).split(".")) + ".py",
          posix.join(base, ...(m[2] as string).split("."), "__init__.py"),
        ];
      }),
      ...[...text.matchAll(/^\s*from\s+([\w.]+)\s+import\s+\*/gm)].map((m) => {
        const found = resolveModule(context, m[1] as string, file);
        return found ? [found] : [];
      }),
      ...[...text.matchAll(/include\(\s*["']([\w./-]+\.py)["']/g)].map((m) => [
        posix.join(dir, m[1] as string),
      ]),
    ].flat();
    for (const target of targets)
      if (target !== file && settings.includes(target))
        importedBy.set(target, [...(importedBy.get(target) ?? []), file]);
  }
  return importedBy;
}

const TEST_OR_EXAMPLE = /(^|[_./-])(tests?|testing|ci|example|sample|template)([_./-]|$)/i;

/** Settings modules that stand for a deployment; the rest are recorded as ignored, with why. */
function leafSettings(context: Context, named: Set<string>): string[] {
  const settings = ofKind(context.found, "settings");
  const importedBy = importedSettings(context, settings);
  return settings.filter((file) => {
    // A module DJANGO_SETTINGS_MODULE names is run as such, even when another one builds on it.
    const importer = named.has(file) ? undefined : importedBy.get(file);
    if (importer) {
      context.ignored.push({ path: file, reason: `read through ${importer.join(", ")}, which import it` });
      return false;
    }
    if (TEST_OR_EXAMPLE.test(basename(file, ".py"))) {
      context.ignored.push({ path: file, reason: "test or example settings, not a deployment" });
      return false;
    }
    return true;
  });
}

/** The settings a DJANGO_SETTINGS_MODULE value names, recorded as found when the name alone did not say so. */
function settingsNamed(context: Context, module: string | undefined, near: string): string | undefined {
  if (!module) return undefined;
  const file = resolveModule(context, module, near);
  if (file && !context.found.some((f) => f.file === file))
    context.found.push({ file, kind: "settings", why: `named by DJANGO_SETTINGS_MODULE=${module}` });
  return file;
}

/**
 * The Apache files no other found file includes: those it includes (sites-enabled/*.conf from
 * apache2.conf) are read through it. Includes are matched by real path: Debian's
 * sites-enabled/app.conf is a link to the sites-available/app.conf found. Beside a main apache2.conf
 * (or httpd.conf), a *-available file it does not include is not enabled, so not read.
 */
function mainApacheConfigs(context: Context, files: string[]): string[] {
  const byRealPath = new Map(files.map((file) => [realPath(absolute(context, file)), file]));
  const includedBy = new Map<string, string>();
  const mains = files.filter((file) => /^(apache2|httpd)\.conf$/.test(basename(file)));
  for (const file of files) {
    const config = loadApacheConfig(absolute(context, file));
    for (const read of new Set(flatten(config.root).map((d) => d.file))) {
      const included = byRealPath.get(realPath(read));
      if (included === undefined || included === file) continue;
      if (!includedBy.has(included)) includedBy.set(included, file);
    }
  }
  return files.filter((file) => {
    const includer = includedBy.get(file);
    if (includer) context.ignored.push({ path: file, reason: `included by ${includer}` });
    const main = mains.find((m) => dirname(m) === "." || file.startsWith(`${dirname(m)}/`));
    const disabled = !includer && main !== undefined && /(^|\/)[a-z]+-available\//.test(file);
    if (disabled) context.ignored.push({ path: file, reason: `not enabled: ${main} does not include it` });
    return !includer && !disabled;
  });
}

/** The nginx and Apache files another file of theirs includes are read through it. */
function mainProxyConfigs(context: Context, kind: ProxyRole): string[] {
  const files = ofKind(context.found, kind);
  if (kind === "apache") return mainApacheConfigs(context, files);
  if (kind !== "nginx") return files;
  const texts = new Map(files.map((f) => [f, readHead(absolute(context, f))]));
  return files.filter((file) => {
    const includer = files.find(
      (other) =>
        other !== file &&
        new RegExp(`include\\s+[^;]*\\b${basename(file).replace(/\./g, "\\.")}\\s*;`).test(
          texts.get(other) ?? "",
        ),
    );
    if (includer) context.ignored.push({ path: file, reason: `included by ${includer}` });
    return !includer;
  });
}

/** Config files of a proxy service: bind-mounted, or in the directory its Dockerfile is built from. */
function proxyConfigOf(context: Context, service: ComposeService, candidates: string[]): string | undefined {
  const mounted = candidates.find((file) =>
    service.volumes.some((v) => {
      const source = rel(context, v.source);
      return source === file || file.startsWith(`${source}/`);
    }),
  );
  if (mounted) return mounted;
  const buildDir = service.dockerfile ? rel(context, dirname(service.dockerfile)) : undefined;
  return buildDir !== undefined ? candidates.find((file) => file.startsWith(`${buildDir}/`)) : undefined;
}

function composeDeployment(
  context: Context,
  compose: string,
  project: ComposeProject,
  defaultSettings: string | undefined,
): DeploymentPlan {
  const pairedBecause: string[] = [];
  const files: AuditFiles = { compose: [absolute(context, compose)] };
  const app = project.services.find((s) => s.djangoApp);
  if (app) {
    pairedBecause.push(`service ${app.name} is the Django app: it ${app.djangoApp}`);
    // The app server's options: the service's own command, else the CMD of the Dockerfile it builds.
    const launch = app.command || app.entrypoint ? absolute(context, compose) : app.dockerfile;
    const readable = /^runs (gunicorn|uvicorn|daphne|uwsgi|waitress-serve)$/.test(app.djangoApp ?? "");
    if (readable && launch && (launch !== app.dockerfile || context.allFiles.has(rel(context, launch))))
      files.appServer = launch;
    const module = app.settingsModule;
    const settings = settingsNamed(context, module, compose) ?? defaultSettings;
    if (settings) {
      files.settings = absolute(context, settings);
      pairedBecause.push(
        module && settingsNamed(context, module, compose)
          ? `service ${app.name} sets DJANGO_SETTINGS_MODULE=${module}: ${settings}`
          : `${settings} is the project's default settings module (manage.py / wsgi.py)`,
      );
    }
  }
  for (const service of project.services) {
    const kind = service.proxy;
    if (!kind) continue;
    const config = proxyConfigOf(context, service, ofKind(context.found, kind));
    if (config && !files[kind]) {
      files[kind] = absolute(context, config);
      pairedBecause.push(
        `service ${service.name} runs ${kind} with ${config}${app ? ` in front of ${app.name}` : ""}`,
      );
    } else if (kind === "traefik" || !config)
      pairedBecause.push(
        `service ${service.name} runs ${kind}${kind === "traefik" ? " (configured by labels and flags)" : " with no config file from the repository"}`,
      );
  }
  return { name: compose, files, pairedBecause };
}

/** Words that tie a proxy config to a settings module: prod, staging, dev... */
function stage(file: string): string | undefined {
  const lower = file.toLowerCase();
  if (/prod|live/.test(lower)) return "production";
  if (/stag/.test(lower)) return "staging";
  if (/\b(dev|local|development)\b|[_/-](dev|local)/.test(lower)) return "development";
  return undefined;
}

function stem(file: string): string {
  return file.replace(/\.py$/, "").replace(/\/__init__$/, "");
}

/** Pairs every recognised file into deployments. */
export function pairDeployments(root: string, allFiles: string[], found: Recognised[]): Pairing {
  const context: Context = { root, allFiles: new Set(allFiles), found, ignored: [] };
  const entries = found.filter((f) => f.kind === "django-entry" && f.settingsModule);
  const defaultSettings = entries.map((e) => settingsNamed(context, e.settingsModule, e.file)).find(Boolean);
  const leaves = leafSettings(context, new Set(defaultSettings ? [defaultSettings] : []));
  const deployments: DeploymentPlan[] = [];
  const claimed = new Set<string>();
  const claim = (plan: DeploymentPlan) => {
    for (const value of Object.values(plan.files).flat())
      if (typeof value === "string") claimed.add(rel(context, value));
    deployments.push(plan);
  };

  for (const compose of ofKind(found, "compose")) {
    const project = loadComposeFile(absolute(context, compose));
    if (!project.services.some((s) => s.djangoApp || s.proxy)) {
      context.ignored.push({ path: compose, reason: "no service runs Django or a reverse proxy" });
      continue;
    }
    claim(composeDeployment(context, compose, project, defaultSettings));
  }

  const manifests = [...ofKind(found, "kubernetes"), ...ofKind(found, "helm-values")];
  if (manifests.length) {
    const plan: DeploymentPlan = {
      name: commonDirectory(manifests) || "kubernetes",
      files: { kubernetes: manifests.map((f) => absolute(context, f)) },
      pairedBecause: [
        `${manifests.length} Kubernetes manifest file(s) read together: Ingress → Service → pods by name and selector`,
      ],
    };
    const objects = loadKubernetesManifests(plan.files.kubernetes ?? []);
    const app = objects.workloads
      .flatMap((w) => w.containers.map((c) => ({ w, c })))
      .find(({ c }) => c.djangoApp);
    const module = app?.c.env.find((e) => e.name === "DJANGO_SETTINGS_MODULE")?.value;
    const settings = settingsNamed(context, module, manifests[0] ?? "") ?? defaultSettings;
    if (app && settings) {
      plan.files.settings = absolute(context, settings);
      plan.pairedBecause.push(
        module
          ? `container ${app.c.name} of ${app.w.kind} ${app.w.name} ${app.c.djangoApp}: ${settings}`
          : `${settings} is the project's default settings module (manage.py / wsgi.py)`,
      );
    }
    claim(plan);
  }

  const gunicorn = ofKind(found, "gunicorn").filter((f) => !claimed.has(f));
  // A lone Procfile or systemd unit says how the app server runs outside containers.
  const launchFiles = [...ofKind(found, "procfile"), ...ofKind(found, "systemd"), ...ofKind(found, "uwsgi")];
  const launch = launchFiles.length === 1 ? launchFiles[0] : undefined;
  const proxies = PROXY_ROLES.flatMap((kind) =>
    mainProxyConfigs(context, kind).map((file) => ({ kind, file })),
  ).filter((p) => !claimed.has(p.file));
  const freeSettings = leaves.filter((s) => !claimed.has(s));
  const settingsFor = (proxyFile: string): string | undefined => {
    const wanted = stage(proxyFile);
    const proxyStem = basename(proxyFile).replace(/\.[^.]*$/, "");
    return (
      // deploy/nginx/staging.conf ↔ settings/staging.py
      freeSettings.find((s) => basename(s, ".py") === proxyStem) ??
      (wanted ? freeSettings.find((s) => stage(s) === wanted) : undefined) ??
      (defaultSettings && freeSettings.includes(defaultSettings) ? defaultSettings : undefined) ??
      freeSettings.find((s) => stage(s) === "production") ??
      (freeSettings.length === 1 ? freeSettings[0] : undefined)
    );
  };
  const used = new Set<string>();
  for (const proxy of proxies) {
    const settings = settingsFor(proxy.file);
    const files: AuditFiles = { [proxy.kind]: absolute(context, proxy.file) };
    const pairedBecause = [
      `${proxy.file} is ${/^[aeiou]/.test(proxy.kind) ? "an" : "a"} ${proxy.kind} config`,
    ];
    if (settings) {
      files.settings = absolute(context, settings);
      used.add(settings);
      pairedBecause.push(
        basename(settings, ".py") === basename(proxy.file).replace(/\.[^.]*$/, "")
          ? `${settings} has the same name`
          : stage(proxy.file) && stage(proxy.file) === stage(settings)
            ? `${settings} is the ${stage(settings)} settings module`
            : `${settings} is the settings module the project runs by default`,
      );
    }
    if (gunicorn[0]) {
      files.gunicorn = absolute(context, gunicorn[0]);
      pairedBecause.push(`${gunicorn[0]} is the gunicorn config`);
    }
    if (launch) {
      files.appServer = absolute(context, launch);
      pairedBecause.push(`${launch} says how the app server runs`);
    }
    deployments.push({
      name: settings ? `${stem(settings)} + ${proxy.file}` : proxy.file,
      files,
      pairedBecause,
    });
  }
  for (const settings of freeSettings.filter((s) => !used.has(s))) {
    const files: AuditFiles = { settings: absolute(context, settings) };
    if (gunicorn[0] && proxies.length === 0) files.gunicorn = absolute(context, gunicorn[0]);
    deployments.push({
      name: stem(settings),
      files,
      pairedBecause: [
        proxies.length
          ? `${settings} matched no proxy config: audited alone`
          : `${settings} is a settings module; no proxy config was found`,
      ],
    });
  }
  return {
    deployments: uniqueNames(deployments),
    ignored: [...context.ignored, ...unpaired(context, deployments)],
  };
}

const UNPAIRED_REASONS: Partial<Record<FileKind, string>> = {
  "django-entry": "read for the default DJANGO_SETTINGS_MODULE only",
  dockerfile:
    "no app server it runs is audited here: read through the Compose service that builds it, or name it with --app-server",
};

/** Recognised files that ended up in no deployment, each with why. */
function unpaired(context: Context, deployments: DeploymentPlan[]): IgnoredPath[] {
  const used = new Set(
    deployments.flatMap((d) => Object.values(d.files).flat()).map((f) => rel(context, f as string)),
  );
  const ignored = new Set(context.ignored.map((i) => i.path));
  return context.found
    .filter((f) => !used.has(f.file) && !ignored.has(f.file))
    .map((f) => ({
      path: f.file,
      reason:
        UNPAIRED_REASONS[f.kind] ??
        `paired with no deployment (name it with --${f.kind === "uwsgi" || f.kind === "procfile" || f.kind === "systemd" ? "app-server" : f.kind})`,
    }));
}

function commonDirectory(files: string[]): string {
  const parts = files.map((f) => f.split("/").slice(0, -1));
  const first = parts[0] ?? [];
  let depth = 0;
  while (depth < first.length && parts.every((p) => p[depth] === first[depth])) depth++;
  return first.slice(0, depth).join("/");
}

function uniqueNames(plans: DeploymentPlan[]): DeploymentPlan[] {
  const seen = new Map<string, number>();
  return plans.map((plan) => {
    const count = (seen.get(plan.name) ?? 0) + 1;
    seen.set(plan.name, count);
    return count > 1 ? { ...plan, name: `${plan.name} (${count})` } : plan;
  });
}
