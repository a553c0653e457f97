/** Telling the Django app's containers and the proxies' apart, from what they run. */
import { MAX_CONFIG_BYTES, readTextFile } from "../../read-file.js";
import { readDockerfile } from "../launch/dockerfile.js";
import type { EnvironmentEntry } from "../environment.js";

const APP_SERVERS =
  /\b(gunicorn|uvicorn|daphne|uwsgi|hypercorn|granian|waitress-serve|mod_wsgi-express)\b|manage\.py\s+runserver/;

/** Why this command line or environment is the Django app, or undefined when nothing says so. */
export function djangoAppEvidence(commandLine: string, env: EnvironmentEntry[]): string | undefined {
  const server = APP_SERVERS.exec(commandLine);
  if (server) return `runs ${server[1] ?? "manage.py runserver"}`;
  const settings = env.find((e) => e.name === "DJANGO_SETTINGS_MODULE");
  return settings ? `sets DJANGO_SETTINGS_MODULE${settings.value ? `=${settings.value}` : ""}` : undefined;
}

export type ImageProxy = "nginx" | "caddy" | "haproxy" | "traefik" | "apache";

/** The reverse proxy an image runs, from its name (nginx:1.27, caddy:2, httpd:2.4, bitnami/nginx...). */
export function proxyOfImage(image: string | undefined): ImageProxy | undefined {
  const name =
    (image ?? "")
      .replace(/[:@].*$/, "")
      .split("/")
      .at(-1) ?? "";
  if (/^(nginx|openresty|nginx-unprivileged)/.test(name)) return "nginx";
  if (/^caddy/.test(name)) return "caddy";
  if (/^haproxy/.test(name)) return "haproxy";
  if (/^traefik/.test(name)) return "traefik";
  if (/^(httpd|apache)/.test(name)) return "apache";
  return undefined;
}

function readText(file: string): string {
  try {
    return readTextFile(file, MAX_CONFIG_BYTES);
  } catch {
    return "";
  }
}

/** What a Dockerfile says about the container: its base image, DJANGO_SETTINGS_MODULE, and its text. */
export interface DockerfileFacts {
  baseImage?: string;
  settingsModule?: string;
  /** The Dockerfile's text, for what Compose combines with it. */
  source: string;
}

export function dockerfileFacts(file: string): DockerfileFacts {
  const source = readText(file);
  const launch = readDockerfile(file, source).launches.at(-1);
  // The final stage's FROM: earlier stages only build.
  const baseImage = [...source.matchAll(/^\s*FROM\s+(?:--\S+\s+)*(\S+)/gim)].at(-1)?.[1];
  const settingsModule = launch?.env.DJANGO_SETTINGS_MODULE;
  return {
    ...(baseImage ? { baseImage } : {}),
    ...(settingsModule ? { settingsModule } : {}),
    source,
  };
}
