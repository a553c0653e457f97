/**
 * Reading process launches from the files people commit. The public entry points:
 * - `launchFileKind(file, text)`: which kind of launch file this is, from its name and content;
 * - `readLaunchFile(file, text)`: its launches and the problems met reading it;
 * - `readLaunches(file, text)`: just the launches.
 */
import { basename } from "node:path";
import { readCompose } from "./compose.js";
import { readDockerfile } from "./dockerfile.js";
import type { Launch, LaunchFile, LaunchFileKind } from "./model.js";
import { readProcfile } from "./procfile.js";
import { readShellScript } from "./shell-script.js";
import { readSystemdUnit } from "./systemd.js";

export type { Launch, LaunchFile, LaunchFileKind } from "./model.js";
export { shellCommands, shellWords } from "./shell.js";

const READERS: Record<LaunchFileKind, (file: string, text: string) => Omit<LaunchFile, "kind">> = {
  dockerfile: readDockerfile,
  compose: readCompose,
  procfile: readProcfile,
  systemd: readSystemdUnit,
  "shell-script": readShellScript,
};

/** The kind of launch file, by name first (Dockerfile, compose.yaml, Procfile, *.service, *.sh), then content. */
export function launchFileKind(file: string, text: string): LaunchFileKind | undefined {
  const name = basename(file);
  if (/(^|\.)(Dockerfile|Containerfile)(\.|$)/i.test(name)) return "dockerfile";
  if (/(^|[.-])(docker-)?compose([.-].*)?\.ya?ml$/i.test(name)) return "compose";
  if (/^Procfile(\..*)?$/.test(name)) return "procfile";
  if (/\.service$/.test(name)) return "systemd";
  if (/\.(sh|bash)$/.test(name)) return "shell-script";
  if (/^#!\s*\S*\/(env\s+)?(ba|da|z|a)?sh\b/.test(text)) return "shell-script";
  if (/^\s*\[Service\]\s*$/m.test(text)) return "systemd";
  if (/^FROM\s+\S+/im.test(text) && /^(CMD|ENTRYPOINT)\s/im.test(text)) return "dockerfile";
  if (/^services:\s*$/m.test(text)) return "compose";
  if (/^(web|worker|release):\s*\S/m.test(text)) return "procfile";
  return undefined;
}

/** Launches and reading problems; `kind` overrides detection. Undefined when the file is no launch file. */
export function readLaunchFile(
  file: string,
  text: string,
  kind = launchFileKind(file, text),
): LaunchFile | undefined {
  if (!kind) return undefined;
  return { kind, ...READERS[kind](file, text) };
}

export function readLaunches(file: string, text: string): Launch[] {
  return readLaunchFile(file, text)?.launches ?? [];
}
