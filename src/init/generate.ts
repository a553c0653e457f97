/** `proxytrust init`: the matched files for one proxy, as text (generateFiles) or on disk (writeFiles). */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { InitProxy, InitRequest } from "./model.js";
import { apacheSite } from "./templates/apache.js";
import { caddyfile } from "./templates/caddy.js";
import { djangoSettings } from "./templates/django.js";
import { gunicornConfig } from "./templates/gunicorn.js";
import { haproxyConfig } from "./templates/haproxy.js";
import { nginxSite } from "./templates/nginx.js";
import { traefikDynamic, traefikStatic } from "./templates/traefik.js";

export type FileRole = "proxy" | "proxy-dynamic" | "settings" | "gunicorn";

export interface GeneratedFile {
  /** Relative to the output directory. */
  path: string;
  role: FileRole;
  contents: string;
}

function proxyFiles(request: InitRequest): GeneratedFile[] {
  const domain = request.domains[0] as string;
  const files: Record<InitProxy, () => GeneratedFile[]> = {
    nginx: () => [{ path: `nginx/${domain}.conf`, role: "proxy", contents: nginxSite(request) }],
    caddy: () => [{ path: "Caddyfile", role: "proxy", contents: caddyfile(request) }],
    haproxy: () => [{ path: "haproxy.cfg", role: "proxy", contents: haproxyConfig(request) }],
    apache: () => [{ path: `apache/000-${domain}.conf`, role: "proxy", contents: apacheSite(request) }],
    traefik: () => [
      { path: "traefik/traefik.yml", role: "proxy", contents: traefikStatic(request) },
      { path: "traefik/dynamic.yml", role: "proxy-dynamic", contents: traefikDynamic(request) },
    ],
  };
  return files[request.proxy]();
}

export function generateFiles(request: InitRequest): GeneratedFile[] {
  return [
    ...proxyFiles(request),
    { path: "django_settings.py", role: "settings", contents: djangoSettings(request) },
    { path: "gunicorn.conf.py", role: "gunicorn", contents: gunicornConfig(request) },
  ];
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
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.contents, { flag: overwrite ? "w" : "wx" });
    written.push(path);
  }
  return written;
}
