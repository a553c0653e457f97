/**
 * `audit --app-server FILE`: whatever file says how the app server runs, recognised from its content:
 * a launch file (Dockerfile, Compose, Procfile, systemd unit, start script) naming uvicorn, daphne,
 * uWSGI, waitress or gunicorn; a uwsgi.ini; a waitress paste ini; a Python file calling waitress.serve();
 * a gunicorn.conf.py.
 */
import { existsSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { readConfigSource, type LoadError, type Located } from "../caddy/config-source.js";
import {
  gunicornConfigFromSource,
  gunicornFromArgs,
  loadGunicornConfig,
  onlyEnvDefault,
  overrideWithCommandLine,
  type GunicornConfig,
} from "../gunicorn/model.js";
import { GUNICORN_DEFAULTS } from "../gunicorn/defaults.js";
import { readLaunchFile, type Launch } from "../launch/index.js";
import { daphneFromArgs } from "./daphne.js";
import { listenOnlyBinds } from "./listen-only.js";
import type { AppServerConfig } from "./model.js";
import { uvicornFromArgs } from "./uvicorn.js";
import { uwsgiFromArgs, uwsgiFromEntries, uwsgiIniEntries } from "./uwsgi.js";
import { waitressFromArgs, waitressFromEntries, type WaitressEntry } from "./waitress.js";

export interface AppServerFile {
  /** gunicorn keeps its own model; the first gunicorn launch (or the gunicorn.conf.py) lands here. */
  gunicorn?: GunicornConfig;
  appServers: AppServerConfig[];
  errors: LoadError[];
}

type Program = "uvicorn" | "daphne" | "waitress" | "uwsgi" | "gunicorn";
const PROGRAMS: Record<string, Program> = {
  uvicorn: "uvicorn",
  daphne: "daphne",
  "waitress-serve": "waitress",
  waitress: "waitress",
  uwsgi: "uwsgi",
  "uwsgi-core": "uwsgi",
  gunicorn: "gunicorn",
};

/** The app server a command starts and where its own arguments begin, past wrappers such as tini. */
function appServerOf(argv: string[]): { program: Program; argsAt: number } | undefined {
  for (let i = 0; i < argv.length; i++) {
    const word = basename(argv[i] as string);
    const module = /^python[0-9.]*$/.test(word) && argv[i + 1] === "-m" ? argv[i + 2] : undefined;
    if (module && PROGRAMS[module]) return { program: PROGRAMS[module] as Program, argsAt: i + 3 };
    if (word !== "waitress" && PROGRAMS[word]) return { program: PROGRAMS[word] as Program, argsAt: i + 1 };
  }
  return undefined;
}

/** gunicorn's `config` default: the file it reads from its working directory when no -c names one. */
const IMPLICIT_GUNICORN_CONFIG = "gunicorn.conf.py";

/**
 * The config file a gunicorn launch reads: the one -c names, or ./gunicorn.conf.py when the launch's
 * folder (where a relative -c resolves too) has one.
 */
function gunicornConfigFile(commandLine: GunicornConfig, baseDir: string): string | undefined {
  if (commandLine.configFile !== undefined) return commandLine.configFile;
  return existsSync(join(baseDir, IMPLICIT_GUNICORN_CONFIG)) ? IMPLICIT_GUNICORN_CONFIG : undefined;
}

/**
 * The gunicorn settings a launch runs with: its command line over the config file it reads, evaluated
 * with the variables the launch sets (a Compose service's environment, ENV, `VAR=value gunicorn`), as
 * gunicorn runs the file in its own process. A file not at hand (`unread`) may set the bind, so $PORT's
 * default is not taken for it.
 */
function launchedGunicorn(
  commandLine: GunicornConfig,
  baseDir: string,
  env: Record<string, string>,
): { config: GunicornConfig; unread?: string } {
  const named = gunicornConfigFile(commandLine, baseDir);
  if (named === undefined) return { config: commandLine };
  const path = resolve(baseDir, named);
  const source = named.startsWith("python:") ? undefined : readConfigSource(path);
  if (source?.ok) {
    // Values naming other variables ($OTHER) are not expanded: those stay unset here.
    const literal = new Map(Object.entries(env).filter(([, value]) => !value.includes("$")));
    const fileConfig = gunicornConfigFromSource(source.text, path, literal);
    return { config: overrideWithCommandLine(fileConfig, commandLine) };
  }
  if (!commandLine.bind || !onlyEnvDefault(commandLine.bind)) return { config: commandLine, unread: named };
  const { bind: _unknown, ...rest } = commandLine;
  return { config: rest, unread: named };
}

/** Where gunicorn listens, as far as known: none when its config file is not at hand and may set the bind. */
function gunicornBinds(commandLine: GunicornConfig, baseDir: string, env: Record<string, string>): string[] {
  const { config, unread } = launchedGunicorn(commandLine, baseDir, env);
  if (config.bind) return knownBinds(config);
  return unread === undefined ? [...GUNICORN_DEFAULTS.bind] : [];
}

/** The bind values known; one from an unset variable may be anything, and is left to the other rules. */
const knownBinds = (config: GunicornConfig) =>
  (config.bind?.values ?? []).flatMap((v) => (v.kind === "known" ? v.value : []));

/**
 * Where the server a launch starts listens, as its command line, config file or defaults say; undefined
 * when the launch starts no server.
 */
export function launchBinds(launch: Launch): { server: string; binds: string[] } | undefined {
  const server = appServerOf(launch.argv);
  if (!server) return listenOnlyBinds(launch.argv);
  const args = launch.argv.slice(server.argsAt);
  const where = launch.location;
  switch (server.program) {
    case "gunicorn":
      return {
        server: "gunicorn",
        binds: gunicornBinds(
          gunicornFromArgs(args, launch.env, where),
          dirname(resolve(where.file)),
          launch.env,
        ),
      };
    case "uvicorn":
      return { server: "uvicorn", binds: uvicornFromArgs(args, launch.env, where).binds.value };
    case "daphne":
      return { server: "daphne", binds: daphneFromArgs(args, where).binds.value };
    case "waitress":
      return { server: "waitress", binds: waitressFromArgs(args, where).binds.value };
    case "uwsgi": {
      const uwsgi = uwsgiFromArgs(args, launch.env, where, dirname(resolve(where.file)));
      return { server: "uwsgi", binds: [...uwsgi.binds.value, ...(uwsgi.otherBinds ?? [])] };
    }
  }
}

function fromLaunch(launch: Launch, found: AppServerFile): void {
  const server = appServerOf(launch.argv);
  if (!server) return;
  const args = launch.argv.slice(server.argsAt);
  const where = launch.location;
  const baseDir = dirname(resolve(where.file));
  switch (server.program) {
    case "uvicorn":
      found.appServers.push(uvicornFromArgs(args, launch.env, where));
      return;
    case "daphne":
      found.appServers.push(daphneFromArgs(args, where));
      return;
    case "waitress":
      found.appServers.push(waitressFromArgs(args, where));
      return;
    case "uwsgi":
      found.appServers.push(uwsgiFromArgs(args, launch.env, where, baseDir));
      return;
    case "gunicorn": {
      if (found.gunicorn) return;
      found.gunicorn = launchedGunicorn(
        gunicornFromArgs(args, launch.env, where),
        baseDir,
        launch.env,
      ).config;
    }
  }
}

/** `[server:main]` with `use = egg:waitress#main`: its keys are waitress settings. */
function pasteWaitress(file: string, text: string): WaitressEntry[] | undefined {
  let section = "";
  let sectionLine = 1;
  let isWaitress = false;
  const entries: WaitressEntry[] = [];
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      section = header[1] ?? "";
      sectionLine = index + 1;
      return;
    }
    const pair = /^([a-z_]+)\s*=\s*(.*)$/.exec(line);
    if (!section.startsWith("server") || !pair?.[1]) return;
    if (pair[1] === "use" && /egg:waitress/.test(pair[2] ?? "")) {
      isWaitress = true;
      entries.push({ file, line: sectionLine, key: "__section__", value: "", option: "" });
    }
    entries.push({ file, line: index + 1, key: pair[1], value: (pair[2] ?? "").trim(), option: pair[1] });
  });
  return isWaitress ? entries : undefined;
}

/** `serve(application, listen="...", trusted_proxy="*")`: keyword arguments that are literals. */
function serveCall(file: string, text: string): WaitressEntry[] | undefined {
  const call = /(?:^|[^\w.])(?:waitress\.)?serve\s*\(/m.exec(text);
  if (!call || !/\bwaitress\b/.test(text)) return undefined;
  const start = call.index + call[0].length;
  const before = text.slice(0, start);
  const line = before.split("\n").length;
  const entries: WaitressEntry[] = [{ file, line, key: "__section__", value: "", option: "" }];
  const body = text.slice(start, text.indexOf(")", start) === -1 ? undefined : text.indexOf(")", start));
  for (const match of body.matchAll(/\b([a-z_]+)\s*=\s*("[^"]*"|'[^']*'|[A-Za-z0-9_.]+)/g)) {
    const value = (match[2] ?? "").replace(/^["']|["']$/g, "");
    const at = line + body.slice(0, match.index).split("\n").length - 1;
    entries.push({ file, line: at, key: match[1] ?? "", value, option: `${match[1]}=` });
  }
  return entries;
}

export async function loadAppServerFile(file: string): Promise<AppServerFile> {
  const found: AppServerFile = { appServers: [], errors: [] };
  const source = readConfigSource(file);
  if (!source.ok) return { ...found, errors: [source.error] };
  const { text } = source;
  const launchFile = readLaunchFile(file, text);
  if (launchFile) {
    found.errors.push(...launchFile.errors);
    for (const launch of launchFile.launches) fromLaunch(launch, found);
  } else {
    const top: Located = { file, line: 1 };
    const uwsgi = uwsgiIniEntries(file, text);
    const waitress = pasteWaitress(file, text) ?? (file.endsWith(".py") ? serveCall(file, text) : undefined);
    if (uwsgi) found.appServers.push(uwsgiFromEntries(uwsgi, top));
    else if (waitress) {
      const section = waitress.find((e) => e.key === "__section__");
      found.appServers.push(waitressFromEntries(waitress, section ?? top));
    } else if (file.endsWith(".py")) found.gunicorn = await loadGunicornConfig(file);
  }
  if (!found.gunicorn && found.appServers.length === 0 && found.errors.length === 0) {
    found.errors.push({
      file,
      line: 1,
      message:
        "no app server found: expected a command starting uvicorn, daphne, uwsgi, waitress-serve or gunicorn, a uwsgi.ini, a waitress ini, or a gunicorn.conf.py",
    });
  }
  for (const server of found.appServers) found.errors.push(...server.errors);
  return found;
}
