/**
 * What a repository file is, from its name first and then its content: the name picks the few
 * candidates worth opening, so a large tree costs one directory read per folder and little else.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { basename, extname } from "node:path";

export const FILE_KINDS = [
  "settings",
  "django-entry",
  "nginx",
  "caddy",
  "haproxy",
  "traefik",
  "apache",
  "gunicorn",
  "uwsgi",
  "compose",
  "dockerfile",
  "procfile",
  "systemd",
  "kubernetes",
  "helm-values",
] as const;
export type FileKind = (typeof FILE_KINDS)[number];

export interface Recognised {
  /** Relative to the repository root, "/"-separated. */
  file: string;
  kind: FileKind;
  /** What gave it away, for the report. */
  why: string;
  /** django-entry files: the settings module they default DJANGO_SETTINGS_MODULE to. */
  settingsModule?: string;
}

export interface Rejected {
  file: string;
  reason: string;
}

/** Enough of a file to recognise it; deployment files are small and say what they are early. */
const HEAD_BYTES = 64 * 1024;
/** One buffer for every read: recognition runs synchronously, file after file. */
const headBuffer = Buffer.alloc(HEAD_BYTES);

export function readHead(path: string): string {
  let fd: number | undefined;
  try {
    // Not blocking on a FIFO's open; only a regular file is read.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    if (!fstatSync(fd).isFile()) return "";
    const length = readSync(fd, headBuffer, 0, HEAD_BYTES, 0);
    return headBuffer.toString("utf8", 0, length);
  } catch {
    return "";
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const SETTINGS_MODULE = /DJANGO_SETTINGS_MODULE["']?\s*[,:=]\s*["']?([\w.]+)/;
const SETTINGS_CONTENT =
  /^\s*(ALLOWED_HOSTS|SECRET_KEY|INSTALLED_APPS|MIDDLEWARE|DEBUG|SECURE_\w+|ROOT_URLCONF)\s*[:=]/m;
const TEMPLATE = /\{\{\s*cookiecutter\.|\{%\s*(if|for|raw)\b/;
const NGINX_CONTENT =
  /^\s*(server|http|upstream|location\s+[^{\n]*)\s*\{|^\s*(proxy_pass|uwsgi_pass|server_name|listen)\s+[^;\n]+;/m;
const APACHE_CONTENT =
  /<VirtualHost\b|^\s*(ProxyPass|ProxyPreserveHost|WSGIScriptAlias|WSGIDaemonProcess|LoadModule|IncludeOptional|ServerRoot)\s/m;
const HAPROXY_CONTENT = /^\s*(frontend|backend|listen)\s+\S+/m;
const YAML = /\.(ya?ml)$/i;

/** Files whose name alone decides (and whose content is read only later, by the loaders). */
function byName(file: string, name: string): Recognised | undefined {
  if (/^(Dockerfile|Containerfile)([.-].*)?$/.test(name) || /\.(Dockerfile|dockerfile)$/.test(name))
    return { file, kind: "dockerfile", why: "named like a Dockerfile" };
  if (name === "Procfile" || /^Procfile\./.test(name))
    return { file, kind: "procfile", why: "named Procfile" };
  if (/^Caddyfile([.-].*)?$/i.test(name) || /\.caddyfile$/i.test(name))
    return { file, kind: "caddy", why: "named Caddyfile" };
  return undefined;
}

/** Names worth opening, with the content test that decides. */
function byContent(file: string, name: string, head: () => string): Recognised | Rejected | undefined {
  const extension = extname(name).toLowerCase();
  const lowerPath = file.toLowerCase();
  if (extension === ".py") {
    if (name === "manage.py" || name === "wsgi.py" || name === "asgi.py") {
      const module = SETTINGS_MODULE.exec(head())?.[1];
      return module
        ? { file, kind: "django-entry", why: `sets DJANGO_SETTINGS_MODULE=${module}`, settingsModule: module }
        : undefined;
    }
    if (/gunicorn/i.test(name)) return { file, kind: "gunicorn", why: "a gunicorn config by name" };
    if (!/settings|configuration/i.test(lowerPath)) return undefined;
    const text = head();
    if (TEMPLATE.test(text))
      return { file, reason: "a template (Jinja placeholders): not Python until rendered" };
    if (SETTINGS_CONTENT.test(text) || /^from\s+\.\w*\s+import\s+\*|^from\s+split_settings\b/m.test(text))
      return { file, kind: "settings", why: "assigns Django settings" };
    return undefined;
  }
  if (extension === ".ini" && /uwsgi/i.test(name))
    return { file, kind: "uwsgi", why: "a uWSGI config by name" };
  if (extension === ".service" || extension === ".socket") {
    return /^\[(Service|Socket)\]/m.test(head())
      ? { file, kind: "systemd", why: `a systemd ${extension.slice(1)} unit` }
      : undefined;
  }
  if (extension === ".cfg" && /haproxy/i.test(lowerPath)) {
    return HAPROXY_CONTENT.test(head())
      ? { file, kind: "haproxy", why: "frontend/backend sections" }
      : { file, reason: "named like HAProxy's config but has no frontend, backend or listen section" };
  }
  if (extension === ".toml" && /traefik/i.test(name))
    return { file, kind: "traefik", why: "a Traefik config by name" };
  if (YAML.test(name)) return yamlKind(file, name, head);
  const confLike =
    extension === ".conf" ||
    /\.conf\.(template|j2|tmpl)$/.test(name) ||
    /(^|\/)(sites-(available|enabled)|conf\.d|nginx)\//.test(lowerPath);
  if (!confLike) return undefined;
  const text = head();
  if (APACHE_CONTENT.test(text))
    return {
      file,
      kind: "apache",
      why: "Apache directives (<VirtualHost>, ProxyPass, WSGIScriptAlias, IncludeOptional)",
    };
  if (NGINX_CONTENT.test(text)) {
    if (/\.(template|j2|tmpl)$/.test(name))
      return {
        file,
        reason:
          "an nginx template (placeholders are filled in at deploy time): pass the rendered file with --nginx",
      };
    return { file, kind: "nginx", why: "nginx directives (server {, proxy_pass)" };
  }
  if (/haproxy/i.test(name) && HAPROXY_CONTENT.test(text))
    return { file, kind: "haproxy", why: "frontend/backend sections" };
  return /nginx/i.test(lowerPath)
    ? { file, reason: "named like an nginx config but holds no nginx directive" }
    : undefined;
}

function yamlKind(file: string, name: string, head: () => string): Recognised | Rejected | undefined {
  const text = head();
  const templated = /\{\{[-\s]*\.?(Values|Release|Chart|include|template)\b/.test(text);
  if (/^(values)([.-][\w-]+)?\.ya?ml$/i.test(name) && /^[a-zA-Z][\w-]*:/m.test(text))
    return { file, kind: "helm-values", why: "Helm values (literal values are read)" };
  if (/^apiVersion:/m.test(text) && /^kind:/m.test(text)) {
    return templated
      ? {
          file,
          reason: "a Helm template: only literal values and rendered manifests (helm template) are read",
        }
      : { file, kind: "kubernetes", why: "Kubernetes manifest (apiVersion, kind)" };
  }
  if (/^services:\s*$/m.test(text) && /^\s+(image|build):/m.test(text))
    return { file, kind: "compose", why: "Compose services with image/build" };
  if (
    /^(entryPoints|providers|http):\s*$/m.test(text) &&
    (/traefik/i.test(file) || /^entryPoints:/m.test(text) || /^\s+routers:/m.test(text))
  )
    return { file, kind: "traefik", why: "Traefik entryPoints/routers" };
  return undefined;
}

/** The file's kind, a reason to leave it out, or undefined when it says nothing about the deployment. */
export function recogniseFile(file: string, head: () => string): Recognised | Rejected | undefined {
  const name = basename(file);
  return byName(file, name) ?? byContent(file, name, head);
}

export function isRecognised(result: Recognised | Rejected): result is Recognised {
  return "kind" in result;
}
