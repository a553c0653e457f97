import { execFile } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { Certificates } from "./certs.js";
import { spawnManaged, type ManagedProcess } from "./processes.js";
import type { ProxyName, Upstream, Variant } from "./types.js";

const run = promisify(execFile);
const TEMPLATES_DIR = fileURLToPath(new URL("./templates", import.meta.url));

interface ProxyKind {
  binary: string;
  template: (variant: Variant) => string;
  configName: string;
  runArgs: (config: string, workDir: string) => string[];
  checkArgs: (config: string, workDir: string) => string[];
  /** Directories and files the configuration expects besides the certificates. */
  prepare?: (workDir: string, certs: Certificates) => Promise<Record<string, string>>;
  env?: (workDir: string) => NodeJS.ProcessEnv;
}

// Every proxy runs in the foreground with its pid, logs and temporary files inside the stack's directory.
const PROXIES: Record<ProxyName, ProxyKind> = {
  nginx: {
    binary: "/usr/sbin/nginx",
    template: (variant) => `nginx/${variant}.conf`,
    configName: "nginx.conf",
    // -e: the compiled-in error log path would otherwise be opened before the configuration is read.
    runArgs: (config, workDir) => ["-p", `${workDir}/`, "-e", "stderr", "-c", config, "-g", "daemon off;"],
    checkArgs: (config, workDir) => ["-p", `${workDir}/`, "-e", "stderr", "-c", config, "-t", "-q"],
  },
  haproxy: {
    binary: "/usr/sbin/haproxy",
    template: (variant) => `haproxy/${variant}.cfg`,
    configName: "haproxy.cfg",
    runArgs: (config) => ["-db", "-f", config],
    checkArgs: (config) => ["-c", "-q", "-f", config],
    // haproxy wants the certificate and its key in one file.
    prepare: async (workDir, certs) => {
      const bundle = join(workDir, "server-bundle.pem");
      const parts = await Promise.all([readFile(certs.certPath, "utf8"), readFile(certs.keyPath, "utf8")]);
      await writeFile(bundle, parts.join(""), { mode: 0o600 });
      return { CERT_BUNDLE: bundle };
    },
  },
  caddy: {
    binary: "/usr/bin/caddy",
    template: (variant) => `caddy/${variant}.Caddyfile`,
    configName: "Caddyfile",
    runArgs: (config) => ["run", "--config", config, "--adapter", "caddyfile"],
    checkArgs: (config) => ["validate", "--config", config, "--adapter", "caddyfile"],
    // Caddy keeps its state (autosave.json, certificate storage) under these.
    env: (workDir) => ({
      HOME: workDir,
      XDG_CONFIG_HOME: join(workDir, "caddy", "config"),
      XDG_DATA_HOME: join(workDir, "caddy", "data"),
    }),
  },
  apache: {
    binary: "/usr/sbin/apache2",
    template: (variant) => `apache/${variant}.conf`,
    configName: "apache2.conf",
    runArgs: (config) => ["-f", config, "-DFOREGROUND"],
    checkArgs: (config) => ["-t", "-f", config],
    prepare: async (workDir) => {
      await mkdir(join(workDir, "run"));
      return {};
    },
  },
};

export interface ProxyOptions {
  proxy: ProxyName;
  variant: Variant;
  workDir: string;
  address: string;
  httpsPort: number;
  httpPort: number;
  sourceAddress: string;
  /** Where the app server listens; absent when the app runs inside the proxy (mod_wsgi). */
  upstream?: Upstream;
  certs: Certificates;
  env: NodeJS.ProcessEnv;
  /** A template under templates/ used instead of the variant's own, e.g. "links/nginx-mtls.conf". */
  template?: string;
  /** More {{NAME}} values for that template. */
  extraValues?: Record<string, string>;
}

export interface PreparedProxy {
  configPath: string;
  start(): ManagedProcess;
}

/** Replaces every {{NAME}}; a placeholder without a value is an error, not an empty string. */
export function fillTemplate(text: string, values: Record<string, string>): string {
  return text.replace(/\{\{([A-Z_]+)\}\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`template placeholder {{${name}}} has no value`);
    return value;
  });
}

/** Writes the proxy's configuration from its template and checks it with the proxy's own validator. */
export async function prepareProxy(opts: ProxyOptions): Promise<PreparedProxy> {
  const kind = PROXIES[opts.proxy];
  const values: Record<string, string> = {
    ADDRESS: opts.address,
    HTTPS_PORT: String(opts.httpsPort),
    HTTP_PORT: String(opts.httpPort),
    SOURCE_ADDRESS: opts.sourceAddress,
    CERT: opts.certs.certPath,
    KEY: opts.certs.keyPath,
    WORK_DIR: opts.workDir,
    ...(opts.upstream?.kind === "tcp" && {
      UPSTREAM_ADDRESS: `${opts.upstream.host}:${opts.upstream.port}`,
    }),
    ...(opts.upstream?.kind === "unix" && { UPSTREAM_SOCKET: opts.upstream.path }),
    ...(await kind.prepare?.(opts.workDir, opts.certs)),
    ...opts.extraValues,
  };
  const template = await readFile(join(TEMPLATES_DIR, opts.template ?? kind.template(opts.variant)), "utf8");
  const configPath = join(opts.workDir, kind.configName);
  await writeFile(configPath, fillTemplate(template, values));

  const env = { ...opts.env, ...kind.env?.(opts.workDir) };
  try {
    await run(kind.binary, kind.checkArgs(configPath, opts.workDir), { cwd: opts.workDir, env });
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw new Error(`${opts.proxy} rejects ${configPath}:\n${stdout}${stderr}`);
  }
  return {
    configPath,
    start: () =>
      spawnManaged(opts.proxy, kind.binary, kind.runArgs(configPath, opts.workDir), {
        cwd: opts.workDir,
        env,
        logPath: join(opts.workDir, "logs", `${opts.proxy}.log`),
      }),
  };
}
