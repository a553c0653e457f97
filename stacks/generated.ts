/**
 * Runs what `proxytrust init` generates, unchanged except for the addresses, ports and certificate
 * paths of the test: the proxy config on the real server (checked with its own validator first),
 * Django 4.2 from stacks/django with the generated settings block, gunicorn with the generated options.
 * The proxies' main files (nginx's http {}, Apache's modules) are the harness's, as a distribution's are.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { generateFiles, type GeneratedFile } from "../src/init/generate.js";
import { resolveProxyAddress, type InitRequest, type OuterTier } from "../src/init/model.js";
import { issueCertificates } from "./certs.js";
import { DJANGO_DIR, startGunicorn } from "./django.js";
import { BASE_ENV, scanArgs } from "./index.js";
import { freePort, randomStackAddresses } from "./ports.js";
import { runStack, spawnManaged } from "./processes.js";
import { siteAnswers, upstreamAnswers, waitUntil } from "./readiness.js";
import type { ProxyName } from "./types.js";

const run = promisify(execFile);
const PROBE_DIR = fileURLToPath(new URL("../python", import.meta.url));
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
  request: InitRequest;
  /** Target URL, --connect-to mappings for ports 443 and 80 and --cacert, for scan. */
  scanArgs: string[];
  probeToken: string;
  healthPath: string;
  /** The generated files as written (for audit), by role. */
  files: { proxy: string; settings: string; gunicorn: string };
  stop(): Promise<void>;
}

/** Test-only lines: the harness's paths and secrets, never a trust decision. */
function gunicornHarness(workDir: string, probeToken: string): string {
  const python = (value: string): string => JSON.stringify(value);
  const env = [
    "DJANGO_SETTINGS_MODULE=project_settings.production",
    `DJANGO_SECRET_KEY=${randomBytes(32).toString("hex")}`,
    `SHOP_DATA_DIR=${workDir}`,
    `PROXYTRUST_PROBE_TOKEN=${probeToken}`,
  ];
  return [
    "# --- test harness ---",
    `pythonpath = ${python(`${workDir},${PROBE_DIR}`)}`,
    "workers = 1",
    'worker_class = "gthread"',
    "threads = 8",
    `raw_env = [${env.map(python).join(", ")}]`,
    `pidfile = ${python(join(workDir, "gunicorn.pid"))}`,
    'errorlog = "-"',
    "",
  ].join("\n");
}

async function writeGenerated(workDir: string, file: GeneratedFile, extra = ""): Promise<string> {
  const path = join(workDir, "generated", file.path);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, file.contents + extra);
  return path;
}

function byRole(files: GeneratedFile[], role: GeneratedFile["role"]): GeneratedFile {
  const file = files.find((f) => f.role === role);
  if (!file) throw new Error(`init generated no ${role} file`);
  return file;
}

/** Generates the files for `proxy` as `proxytrust init` would, and runs them on loopback. */
export async function startGeneratedStack(opts: {
  proxy: ProxyName;
  behind?: OuterTier;
}): Promise<GeneratedStack> {
  const { proxy } = opts;
  const server = SERVERS[proxy];
  const failure = `cannot run the generated ${proxy} stack`;
  return runStack(`init-${proxy}`, failure, async ({ workDir, processes, stop }) => {
    await mkdir(join(workDir, "run"));
    const addresses = await randomStackAddresses();
    const upstream = { host: addresses.origin, port: await freePort(addresses.origin) };
    const certs = await issueCertificates(workDir, [SITE_HOST, `www.${SITE_HOST}`]);
    // haproxy reads the certificate and its key from one file.
    const bundle = join(workDir, "server-bundle.pem");
    const pems = await Promise.all([readFile(certs.certPath, "utf8"), readFile(certs.keyPath, "utf8")]);
    await writeFile(bundle, pems.join(""), { mode: 0o600 });
    const request: InitRequest = {
      proxy,
      domains: [SITE_HOST, `www.${SITE_HOST}`],
      healthPath: HEALTH_PATH,
      ...(opts.behind ? { behind: opts.behind } : {}),
      upstream,
      proxyAddress: resolveProxyAddress(upstream, undefined),
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
    const proxyFile = byRole(files, "proxy");
    const proxyPath = await writeGenerated(workDir, proxyFile);
    const settingsFile = byRole(files, "settings");
    await writeGenerated(workDir, settingsFile);
    // The project's settings with the block appended, as the generated file tells the user to; a copy of
    // the shop's base settings beside it, so that audit reads the whole module as Django does.
    const settingsPackage = join(workDir, "project_settings");
    await mkdir(settingsPackage);
    await writeFile(join(settingsPackage, "__init__.py"), "");
    await copyFile(join(DJANGO_DIR, "shop", "settings", "base.py"), join(settingsPackage, "base.py"));
    const settings = join(settingsPackage, "production.py");
    await writeFile(settings, `from .base import *  # noqa: F401,F403\n\n${settingsFile.contents}`);
    const gunicorn = await writeGenerated(workDir, byRole(files, "gunicorn"));
    const gunicornRun = join(workDir, "gunicorn-run.conf.py");
    await writeFile(gunicornRun, (await readFile(gunicorn, "utf8")) + gunicornHarness(workDir, probeToken));

    const runConfig = join(workDir, `${proxy}-run.conf`);
    await writeFile(
      runConfig,
      server.runConfig({ path: proxyPath, text: proxyFile.contents }, request, workDir),
    );
    const env = { ...BASE_ENV, HOME: workDir, ...server.env?.(workDir) };
    try {
      await run(server.binary, server.checkArgs(runConfig, workDir), { cwd: workDir, env });
    } catch (error) {
      const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
      throw new Error(`${proxy} rejects the generated ${proxyFile.path}:\n${stdout}${stderr}`);
    }

    processes.push(startGunicorn(gunicornRun, workDir, { ...BASE_ENV, HOME: workDir }));
    processes.push(
      spawnManaged(proxy, server.binary, server.runArgs(runConfig, workDir), {
        cwd: workDir,
        env,
        logPath: join(workDir, "logs", `${proxy}.log`),
      }),
    );
    const appHeaders = { host: SITE_HOST };
    await waitUntil(
      "gunicorn",
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
      request,
      scanArgs: scanArgs(address, httpsPort, httpPort, certs.caCertPath),
      probeToken,
      healthPath: HEALTH_PATH,
      files: { proxy: proxyPath, settings, gunicorn },
      stop,
    };
  });
}
