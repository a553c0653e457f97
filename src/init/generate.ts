/** `proxytrust init`: the matched files for one proxy and app server, as text (generateFiles) or on disk (writeFiles). */
import { lstat, mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { InitRequest, ProxiedRequest } from "./model.js";
import { apacheSite } from "./templates/apache.js";
import { caddyfile } from "./templates/caddy.js";
import { djangoSettings } from "./templates/django.js";
import { gunicornConfig } from "./templates/gunicorn.js";
import { daphneCommand } from "./templates/daphne.js";
import { haproxyConfig } from "./templates/haproxy.js";
import { nginxSite } from "./templates/nginx.js";
import { serviceUnit } from "./templates/systemd.js";
import { traefikDynamic, traefikStatic } from "./templates/traefik.js";
import { uvicornCommand } from "./templates/uvicorn.js";
import { uwsgiIni } from "./templates/uwsgi.js";
import { waitressCommand } from "./templates/waitress.js";

export type FileRole = "proxy" | "proxy-dynamic" | "settings" | "app-server";

export interface GeneratedFile {
  /** Relative to the output directory. */
  path: string;
  role: FileRole;
  contents: string;
}

function proxyFiles(request: InitRequest): GeneratedFile[] {
  const domain = request.domains[0] as string;
  switch (request.proxy) {
    case "nginx":
      return [{ path: `nginx/${domain}.conf`, role: "proxy", contents: nginxSite(request) }];
    case "caddy":
      return [{ path: "Caddyfile", role: "proxy", contents: caddyfile(request) }];
    case "haproxy":
      return [{ path: "haproxy.cfg", role: "proxy", contents: haproxyConfig(request) }];
    case "apache":
      return [{ path: `apache/000-${domain}.conf`, role: "proxy", contents: apacheSite(request) }];
    case "traefik":
      return [
        { path: "traefik/traefik.yml", role: "proxy", contents: traefikStatic(request) },
        { path: "traefik/dynamic.yml", role: "proxy-dynamic", contents: traefikDynamic(request) },
      ];
  }
}

/** The app server's own file; none for mod_wsgi, whose options are in the Apache site. */
function appServerFiles(request: InitRequest): GeneratedFile[] {
  if (request.appServer === "mod_wsgi") return [];
  const unit = (contents: string): GeneratedFile[] => [
    { path: `systemd/${request.appServer}.service`, role: "app-server", contents },
  ];
  const files: Record<ProxiedRequest["appServer"], () => GeneratedFile[]> = {
    gunicorn: () => [{ path: "gunicorn.conf.py", role: "app-server", contents: gunicornConfig(request) }],
    uvicorn: () => unit(serviceUnit(request, uvicornCommand(request))),
    daphne: () => unit(serviceUnit(request, daphneCommand(request))),
    waitress: () => unit(serviceUnit(request, waitressCommand(request))),
    uwsgi: () => [{ path: "uwsgi.ini", role: "app-server", contents: uwsgiIni(request) }],
  };
  return files[request.appServer]();
}

export function generateFiles(request: InitRequest): GeneratedFile[] {
  return [
    ...proxyFiles(request),
    { path: "django_settings.py", role: "settings", contents: djangoSettings(request) },
    ...appServerFiles(request),
  ];
}

/**
 * mkdir -p one level at a time. Node's recursive mkdir retries for ever where the kernel says ENOENT
 * under a parent that exists (/proc/1/x); here that is the error it is.
 */
async function makeDirectories(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let at = dir; !(await exists(at)); at = dirname(at)) missing.unshift(at);
  for (const path of missing) await mkdir(path);
}

/** Whether the name is taken: a dangling link is, and writing through it then says why it fails. */
async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** Writes every file under `outDir`; refuses to overwrite unless `overwrite`. Returns the paths written. */
export async function writeFiles(
  outDir: string,
  files: readonly GeneratedFile[],
  overwrite: boolean,
): Promise<string[]> {
  const written: string[] = [];
  for (const file of files) {
    const path = join(outDir, file.path);
    await makeDirectories(dirname(path));
    await writeFile(path, file.contents, { flag: overwrite ? "w" : "wx" });
    written.push(path);
  }
  return written;
}
