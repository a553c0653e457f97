import { randomBytes } from "node:crypto";
import { chown, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { spawnManaged, type ManagedProcess } from "./processes.js";
import type { ProxyName, Upstream, Variant } from "./types.js";

export const DJANGO_DIR = fileURLToPath(new URL("./django", import.meta.url));
export const PROBE_DIR = fileURLToPath(new URL("../python", import.meta.url));
const GUNICORN = "/usr/bin/gunicorn"; // runs /usr/bin/python3, which has Django 4.2

/** How gunicorn and Django are deployed for one stack. */
export interface AppDesign {
  /** Module under shop.settings. */
  settings: string;
  listen: Upstream["kind"];
  /** Who may set wsgi.url_scheme with X-Forwarded-Proto (gunicorn's forwarded_allow_ips). */
  schemeTrust: "proxy-source-address" | "nobody" | "gunicorn-default";
  /** gunicorn workers when more than one: the settings must then keep sessions where every worker finds them. */
  workers?: number;
}

export function appDesign(proxy: ProxyName, variant: Variant): AppDesign {
  switch (variant) {
    case "healthy":
      // nginx and haproxy can connect from a source address of their own, which gunicorn can tell
      // apart from every other local client; caddy and apache get a unix socket only they use.
      return proxy === "nginx" || proxy === "haproxy"
        ? { settings: "healthy_wsgi_scheme", listen: "tcp", schemeTrust: "proxy-source-address" }
        : { settings: "healthy", listen: "unix", schemeTrust: "nobody" };
    case "passthrough":
      return { settings: "passthrough", listen: "tcp", schemeTrust: "gunicorn-default" };
    case "loop":
      return { settings: "loop", listen: "tcp", schemeTrust: "nobody" };
    case "hostrewrite":
      return { settings: "hostrewrite", listen: "tcp", schemeTrust: "gunicorn-default" };
  }
}

export function settingsPath(design: AppDesign): string {
  return join(DJANGO_DIR, "shop", "settings", `${design.settings}.py`);
}

const python = (value: string): string => JSON.stringify(value); // a valid Python literal for plain strings

function forwardedAllowIps(design: AppDesign, upstream: Upstream, proxySourceAddress: string): string[] {
  switch (design.schemeTrust) {
    case "proxy-source-address":
      return [
        "# Only the proxy's own source address may set the scheme with X-Forwarded-Proto.",
        `forwarded_allow_ips = ${python(proxySourceAddress)}`,
      ];
    case "nobody":
      return upstream.kind === "unix"
        ? [
            "# gunicorn 20.1 ignores this for unix socket clients and always believes their",
            "# X-Forwarded-Proto; only the proxy can reach the socket.",
            'forwarded_allow_ips = ""',
          ]
        : [
            "# Django reads X-Forwarded-Proto itself; gunicorn must not act on it.",
            'forwarded_allow_ips = ""',
          ];
    case "gunicorn-default":
      return [
        "# The default, spelled out: every client on 127.0.0.1 is trusted.",
        'forwarded_allow_ips = "127.0.0.1"',
      ];
  }
}

export interface GunicornFiles {
  workDir: string;
  proxy: ProxyName;
  variant: Variant;
  design: AppDesign;
  upstream: Upstream;
  proxySourceAddress: string;
  siteHost: string;
  /** Turns the proxytrust probe middleware on for this app (it answers only with this token). */
  probeToken: string;
  /** Turns the probe middleware's request log on (PROXYTRUST_PROBE_LOG=1). */
  probeLog?: boolean;
  /** gunicorn terminates TLS itself with this certificate (certfile/keyfile): no proxy in front. */
  tls?: { certPath: string; keyPath: string };
}

/** Test-only environment for the shop: its settings module, the harness's paths and secrets, never a trust decision. */
export function harnessEnv(
  settingsModule: string,
  dataDir: string,
  probeToken: string,
): Record<string, string> {
  return {
    DJANGO_SETTINGS_MODULE: settingsModule,
    DJANGO_SECRET_KEY: randomBytes(32).toString("hex"),
    SHOP_DATA_DIR: dataDir,
    PROXYTRUST_PROBE_TOKEN: probeToken,
  };
}

/** Gives `path` to www-data, whom Apache's workers and mod_wsgi's daemon run as (ids from /etc/passwd). */
export async function chownToWebServer(path: string): Promise<void> {
  const passwd = await readFile("/etc/passwd", "utf8");
  const entry = /^www-data:[^:]*:(\d+):(\d+):/m.exec(passwd);
  if (!entry) throw new Error("no www-data user: Apache's workers and mod_wsgi's daemon run as it");
  await chown(path, Number(entry[1]), Number(entry[2]));
}

/** Writes the stack's gunicorn.conf.py and returns its path. */
export async function writeGunicornConfig(opts: GunicornFiles): Promise<string> {
  const { upstream } = opts;
  const env = Object.entries(
    harnessEnv(`shop.settings.${opts.design.settings}`, opts.workDir, opts.probeToken),
  ).map(([name, value]) => `${name}=${value}`);
  if (opts.probeLog) env.push("PROXYTRUST_PROBE_LOG=1");
  if (opts.variant === "hostrewrite" && upstream.kind === "tcp") {
    env.push(`DJANGO_ALLOWED_HOSTS=${opts.siteHost},${upstream.host}`);
  }
  const { tls } = opts;
  const lines = [
    tls
      ? "# gunicorn for the shop, terminating TLS itself: no proxy in front."
      : `# gunicorn for the shop behind ${opts.proxy} ("${opts.variant}" stack).`,
    ...(tls ? [`certfile = ${python(tls.certPath)}`, `keyfile = ${python(tls.keyPath)}`] : []),
    `bind = ${python(upstream.kind === "unix" ? `unix:${upstream.path}` : `${upstream.host}:${upstream.port}`)}`,
    ...(opts.design.workers
      ? [`workers = ${opts.design.workers}`]
      : ["# One worker: sessions live in a per-process cache.", "workers = 1"]),
    'worker_class = "gthread"',
    "# The probe middleware ships in the package's python/ folder.",
    `pythonpath = ${python(PROBE_DIR)}`,
    "threads = 8",
    ...forwardedAllowIps(opts.design, upstream, opts.proxySourceAddress),
    "raw_env = [",
    ...env.map((entry) => `    ${python(entry)},`),
    "]",
    `pidfile = ${python(join(opts.workDir, "gunicorn.pid"))}`,
    'accesslog = "-"',
    'errorlog = "-"',
    "",
  ];
  const path = join(opts.workDir, "gunicorn.conf.py");
  await writeFile(path, lines.join("\n"));
  return path;
}

export function startGunicorn(configPath: string, workDir: string, env: NodeJS.ProcessEnv): ManagedProcess {
  return spawnManaged(
    "gunicorn",
    GUNICORN,
    ["--config", configPath, "--chdir", DJANGO_DIR, "shop.wsgi:application"],
    {
      cwd: workDir,
      // Keep __pycache__ out of the repository.
      env: { ...env, PYTHONDONTWRITEBYTECODE: "1" },
      logPath: join(workDir, "logs", "gunicorn.log"),
      // SIGTERM waits for the gthread workers' 1 s poll loop; SIGINT is gunicorn's quick shutdown.
      stopSignal: "SIGINT",
    },
  );
}
