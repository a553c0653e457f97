/**
 * Runs what `proxytrust init` generates, unchanged except for the addresses, ports, certificate and
 * project paths of the test: the proxy config on the real server (checked with its own validator
 * first), Django 4.2 from stacks/django with the generated settings block, under the generated app
 * server: gunicorn with its options, uvicorn / daphne / waitress with the ExecStart line of the
 * generated systemd unit (run as root, without systemd), uWSGI with the generated ini, or mod_wsgi in
 * the Apache site. The proxies' main files (nginx's http {}, Apache's modules) are the harness's, as a
 * distribution's are.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { generateFiles, type GeneratedFile } from "../src/init/generate.js";
import type { AppServerKind } from "../src/clauses.js";
import { buildInitRequest } from "../src/init/request.js";
import { speaksUwsgiProtocol, upstreamAddress, type InitRequest, type OuterTier } from "../src/init/model.js";
import { readLaunches } from "../src/static/launch/index.js";
import { issueCertificates } from "./certs.js";
import { chownToWebServer, DJANGO_DIR, harnessEnv, PROBE_DIR, startGunicorn } from "./django.js";
import { BASE_ENV, scanArgs } from "./index.js";
import { freePort, randomStackAddresses } from "./ports.js";
import { runStack, spawnManaged, type ManagedProcess } from "./processes.js";
import { siteAnswers, upstreamAnswers, waitUntil, type SiteAddress } from "./readiness.js";
import type { ProxyName } from "./types.js";

const run = promisify(execFile);
const SITE_HOST = "app.test";
const HEALTH_PATH = "/healthz";
const READY_TIMEOUT_MS = 15_000;
const APACHE_MODULES = [
  "mpm_event",
  "authz_core",
  "alias",
  "headers",
  "rewrite",
  "proxy",
  "proxy_http",
  "socache_shmcb",
  "ssl",
  "remoteip",
];

interface ServerKind {
  binary: string;
  runArgs: (config: string, workDir: string) => string[];
  checkArgs: (config: string, workDir: string) => string[];
  /**
   * The file the server is started with: around the generated one where a distribution has its own
   * main file, else the generated text with test-only lines.
   */
  runConfig: (generated: { path: string; text: string }, request: InitRequest, workDir: string) => string;
  env?: (workDir: string) => NodeJS.ProcessEnv;
}

const SERVERS: Record<ProxyName, ServerKind> = {
  nginx: {
    binary: "/usr/sbin/nginx",
    runArgs: (config, workDir) => ["-p", `${workDir}/`, "-e", "stderr", "-c", config, "-g", "daemon off;"],
    checkArgs: (config, workDir) => ["-p", `${workDir}/`, "-e", "stderr", "-c", config, "-t", "-q"],
    runConfig: (generated, _request, workDir) =>
      [
        "user www-data;",
        "worker_processes 1;",
        `pid ${workDir}/nginx.pid;`,
        "events { worker_connections 256; }",
        "http {",
        `    access_log ${workDir}/logs/nginx-access.log;`,
        ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map(
          (kind) => `    ${kind}_temp_path ${workDir}/nginx-${kind};`,
        ),
        `    include ${generated.path};`,
        "}",
        "",
      ].join("\n"),
  },
  apache: {
    binary: "/usr/sbin/apache2",
    runArgs: (config) => ["-f", config, "-DFOREGROUND"],
    checkArgs: (config) => ["-t", "-f", config],
    runConfig: (generated, request, workDir) =>
      [
        `ServerRoot "${workDir}"`,
        `DefaultRuntimeDir "${workDir}/run"`,
        `PidFile "${workDir}/run/apache2.pid"`,
        `Mutex file:${workDir}/run default`,
        ...APACHE_MODULES.map((m) => `LoadModule ${m}_module /usr/lib/apache2/modules/mod_${m}.so`),
        ...(request.appServer === "mod_wsgi"
          ? ["LoadModule wsgi_module /usr/lib/apache2/modules/mod_wsgi.so"]
          : []),
        "User www-data",
        "Group www-data",
        "ServerName localhost",
        "ErrorLog /dev/stderr",
        `CustomLog "${workDir}/logs/apache-access.log" common`,
        `SSLSessionCache "shmcb:${workDir}/run/ssl_scache(512000)"`,
        `Listen ${request.listening.address}:${request.listening.httpPort}`,
        `Listen ${request.listening.address}:${request.listening.httpsPort} https`,
        `Include ${generated.path}`,
        "",
      ].join("\n"),
  },
  haproxy: {
    binary: "/usr/sbin/haproxy",
    runArgs: (config) => ["-db", "-f", config],
    checkArgs: (config) => ["-c", "-q", "-f", config],
    runConfig: (generated) => generated.text,
  },
  caddy: {
    binary: "/usr/bin/caddy",
    runArgs: (config) => ["run", "--config", config, "--adapter", "caddyfile"],
    checkArgs: (config) => ["validate", "--config", config, "--adapter", "caddyfile"],
    // Caddy's admin endpoint would be shared by every Caddy on the machine: off, for the test only.
    runConfig: (generated) => generated.text.replace(/^\{$/m, "{\n\tadmin off"),
    env: (workDir) => ({
      HOME: workDir,
      XDG_CONFIG_HOME: join(workDir, "caddy", "config"),
      XDG_DATA_HOME: join(workDir, "caddy", "data"),
    }),
  },
};

export interface GeneratedStack {
  proxy: ProxyName;
  appServer: AppServerKind;
  request: InitRequest;
  /** Target URL, --connect-to mappings for ports 443 and 80 and --cacert, for scan. */
  scanArgs: string[];
  /** Where the proxy listens and the CA of its certificate, for requests of a test's own. */
  site: SiteAddress;
  probeToken: string;
  healthPath: string;
  /** The generated files as written (for audit), by role; no app-server file for mod_wsgi. */
  files: { proxy: string; settings: string; appServer?: string };
  stop(): Promise<void>;
}

/** Test-only lines for gunicorn: the harness's environment, one worker, a pid file. */
function gunicornHarness(workDir: string, env: Record<string, string>): string {
  const python = (value: string): string => JSON.stringify(value);
  return [
    "# --- test harness ---",
    `pythonpath = ${python(`${workDir},${PROBE_DIR}`)}`,
    "workers = 1",
    'worker_class = "gthread"',
    "threads = 8",
    `raw_env = [${Object.entries(env)
      .map(([name, value]) => python(`${name}=${value}`))
      .join(", ")}]`,
    `pidfile = ${python(join(workDir, "gunicorn.pid"))}`,
    'errorlog = "-"',
    "",
  ].join("\n");
}

/**
 * mod_wsgi hands a daemon no environment variables: the harness's entry point sets them and the
 * import path, then serves the shop's own application. It is the script WSGIScriptAlias names.
 */
async function writeWsgiEntry(request: InitRequest, env: Record<string, string>): Promise<void> {
  const dir = join(request.app.dir, request.app.package);
  await mkdir(dir, { recursive: true });
  const python = (value: string): string => JSON.stringify(value);
  await writeFile(
    join(dir, "wsgi.py"),
    [
      "import os, sys",
      ...[DJANGO_DIR, PROBE_DIR].map((path) => `sys.path.insert(0, ${python(path)})`),
      ...Object.entries(env).map(([name, value]) => `os.environ[${python(name)}] = ${python(value)}`),
      "from shop.wsgi import application  # noqa: E402",
      "",
    ].join("\n"),
  );
}

/** Starts the generated app server (none for mod_wsgi, which runs in Apache). */
async function startAppServer(
  request: InitRequest,
  /** The generated app-server file, as written to `path`. */
  generated: { path: string; text: string } | undefined,
  workDir: string,
  env: Record<string, string>,
): Promise<ManagedProcess | undefined> {
  const runEnv = {
    ...BASE_ENV,
    HOME: workDir,
    ...env,
    PYTHONPATH: `${workDir}:${DJANGO_DIR}:${PROBE_DIR}`,
    PYTHONDONTWRITEBYTECODE: "1",
  };
  const logPath = join(workDir, "logs", `${request.appServer}.log`);
  const options = { cwd: request.app.dir, env: runEnv, logPath, stopSignal: "SIGINT" as const };
  if (!generated) return undefined;
  const { path: generatedPath, text } = generated;
  switch (request.appServer) {
    case "gunicorn": {
      const gunicornRun = join(workDir, "gunicorn-run.conf.py");
      await writeFile(gunicornRun, text + gunicornHarness(workDir, env));
      return startGunicorn(gunicornRun, workDir, { ...BASE_ENV, HOME: workDir });
    }
    case "uwsgi":
      return spawnManaged("uwsgi", "/usr/bin/uwsgi", ["--ini", generatedPath], options);
    default: {
      // The unit's ExecStart, read by proxytrust's own systemd reader: exactly the words systemd runs.
      const [launch] = readLaunches(generatedPath, text);
      const [program, ...args] = launch?.argv ?? [];
      if (!program) throw new Error(`no ExecStart in the generated ${generatedPath}`);
      return spawnManaged(request.appServer, program, args, options);
    }
  }
}

async function writeGenerated(workDir: string, file: GeneratedFile): Promise<string> {
  const path = join(workDir, "generated", file.path);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, file.contents);
  return path;
}

function byRole(files: GeneratedFile[], role: GeneratedFile["role"]): GeneratedFile {
  const file = files.find((f) => f.role === role);
  if (!file) throw new Error(`init generated no ${role} file`);
  return file;
}

/** Generates the files for `proxy` and `appServer` as `proxytrust init` would, and runs them on loopback. */
export async function startGeneratedStack(opts: {
  proxy: ProxyName;
  behind?: OuterTier;
  appServer?: AppServerKind;
}): Promise<GeneratedStack> {
  const { proxy } = opts;
  const appServer = opts.appServer ?? "gunicorn";
  const server = SERVERS[proxy];
  const failure = `cannot run the generated ${proxy} + ${appServer} stack`;
  return runStack(`init-${proxy}-${appServer}`, failure, async ({ workDir, processes, stop }) => {
    await mkdir(join(workDir, "run"));
    const addresses = await randomStackAddresses();
    const upstream = { host: addresses.origin, port: await freePort(addresses.origin) };
    const certs = await issueCertificates(workDir, [SITE_HOST, `www.${SITE_HOST}`]);
    // haproxy reads the certificate and its key from one file.
    const bundle = join(workDir, "server-bundle.pem");
    const pems = await Promise.all([readFile(certs.certPath, "utf8"), readFile(certs.keyPath, "utf8")]);
    await writeFile(bundle, pems.join(""), { mode: 0o600 });
    const wsgi = appServer === "mod_wsgi";
    // What `init` makes of the answers, with the test's paths, addresses and certificate.
    const answers = {
      proxy,
      domains: [SITE_HOST, `www.${SITE_HOST}`],
      healthPath: HEALTH_PATH,
      ...(opts.behind ? { behind: opts.behind } : {}),
      appServer,
      ...(wsgi ? {} : { upstream: upstreamAddress(upstream) }),
    };
    const request: InitRequest = {
      ...buildInitRequest(answers),
      // mod_wsgi loads the harness's entry point (writeWsgiEntry); the others the shop's own package.
      app: wsgi ? { dir: join(workDir, "app"), package: "entry" } : { dir: DJANGO_DIR, package: "shop" },
      listening: {
        address: addresses.proxy,
        httpPort: await freePort(addresses.proxy),
        httpsPort: await freePort(addresses.proxy),
        certificate:
          proxy === "haproxy" ? { cert: bundle, key: bundle } : { cert: certs.certPath, key: certs.keyPath },
      },
    };
    const files = generateFiles(request);
    const probeToken = randomBytes(24).toString("hex");
    // mod_wsgi's daemon runs as Apache's User (www-data): its data directory must be its own.
    const dataDir = join(workDir, "data");
    await mkdir(dataDir);
    if (wsgi) await chownToWebServer(dataDir);
    const env = harnessEnv("project_settings.production", dataDir, probeToken);
    const proxyFile = byRole(files, "proxy");
    const proxyPath = await writeGenerated(workDir, proxyFile);
    const settingsFile = byRole(files, "settings");
    await writeGenerated(workDir, settingsFile);
    // The project's settings with the block appended, as the generated file tells the user to; a copy of
    // the shop's base settings beside it, so that audit reads the whole module as Django does.
    // Beside the entry point for mod_wsgi: its daemon (www-data) may not list the work directory.
    const settingsRoot = wsgi ? request.app.dir : workDir;
    const settingsPackage = join(settingsRoot, "project_settings");
    await mkdir(settingsPackage, { recursive: true });
    await writeFile(join(settingsPackage, "__init__.py"), "");
    await copyFile(join(DJANGO_DIR, "shop", "settings", "base.py"), join(settingsPackage, "base.py"));
    const settings = join(settingsPackage, "production.py");
    await writeFile(settings, `from .base import *  # noqa: F401,F403\n\n${settingsFile.contents}`);
    const appServerFile = files.find((f) => f.role === "app-server");
    const appServerWritten = appServerFile && {
      path: await writeGenerated(workDir, appServerFile),
      text: appServerFile.contents,
    };
    if (wsgi) await writeWsgiEntry(request, env);

    const runConfig = join(workDir, `${proxy}-run.conf`);
    await writeFile(
      runConfig,
      server.runConfig({ path: proxyPath, text: proxyFile.contents }, request, workDir),
    );
    const proxyEnv = { ...BASE_ENV, HOME: workDir, ...server.env?.(workDir) };
    try {
      await run(server.binary, server.checkArgs(runConfig, workDir), { cwd: workDir, env: proxyEnv });
    } catch (error) {
      const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
      throw new Error(`${proxy} rejects the generated ${proxyFile.path}:\n${stdout}${stderr}`);
    }

    const app = await startAppServer(request, appServerWritten, workDir, env);
    if (app) processes.push(app);
    processes.push(
      spawnManaged(proxy, server.binary, server.runArgs(runConfig, workDir), {
        cwd: workDir,
        env: proxyEnv,
        logPath: join(workDir, "logs", `${proxy}.log`),
      }),
    );
    const appHeaders = { host: SITE_HOST };
    // A uwsgi-protocol socket answers no HTTP, and mod_wsgi has no socket of its own: the proxy's
    // health check below waits for them.
    if (app && !speaksUwsgiProtocol(request))
      await waitUntil(
        appServer,
        () =>
          upstreamAnswers({ kind: "tcp", host: upstream.host, port: upstream.port }, HEALTH_PATH, appHeaders),
        processes,
        READY_TIMEOUT_MS,
      );
    const { address, httpPort, httpsPort } = request.listening as Required<InitRequest["listening"]>;
    const ca = await readFile(certs.caCertPath, "utf8");
    const site = { host: address, httpPort, httpsPort, ca, servername: SITE_HOST };
    await waitUntil(proxy, () => siteAnswers(site, HEALTH_PATH, appHeaders), processes, READY_TIMEOUT_MS);
    return {
      proxy,
      appServer,
      request,
      scanArgs: scanArgs(address, httpsPort, httpPort, certs.caCertPath),
      site,
      probeToken,
      healthPath: HEALTH_PATH,
      files: {
        proxy: proxyPath,
        settings,
        ...(appServerWritten ? { appServer: appServerWritten.path } : {}),
      },
      stop,
    };
  });
}
