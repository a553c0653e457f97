/**
 * The shop in-process under Apache + mod_wsgi (Debian's libapache2-mod-wsgi-py3): no proxy and no
 * separate app server, so Django's scheme comes from Apache's own connection. The stack is laid out
 * the way Debian lays out /etc/apache2: `apache2.conf` with the server-wide settings and an
 * `IncludeOptional sites-enabled/*.conf`, and the site in `sites-enabled/shop.conf`, which is what a
 * deployment writes (and what `init` generates).
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { issueCertificates } from "./certs.js";
import { chownToWebServer, DJANGO_DIR, harnessEnv, PROBE_DIR } from "./django.js";
import { BASE_ENV, HEALTH_PATH, READY_TIMEOUT_MS, scanArgs, SITE_HOST } from "./index.js";
import { freePort, randomStackAddresses } from "./ports.js";
import { runStack } from "./processes.js";
import { fillTemplate, prepareProxy } from "./proxies.js";
import { siteAnswers, waitUntil } from "./readiness.js";

export type ModWsgiVariant = "healthy" | "misconfigured";
export const MOD_WSGI_VARIANTS: readonly ModWsgiVariant[] = ["healthy", "misconfigured"];

const TEMPLATES_DIR = fileURLToPath(new URL("./templates/mod_wsgi", import.meta.url));

/** What each variant is, for test names, and the Django settings module it runs. */
const DESIGNS: Record<ModWsgiVariant, { summary: string; settings: string }> = {
  healthy: {
    summary:
      "daemon mode, Apache ends TLS, redirects plain HTTP but the health check, sends HSTS; Django reads no forwarding header",
    settings: "healthy_wsgi_scheme",
  },
  misconfigured: {
    summary:
      "embedded mode with settings copied from a proxied deployment: SECURE_PROXY_SSL_HEADER believes the client's X-Forwarded-Proto",
    settings: "healthy",
  },
};

export interface RunningModWsgiStack {
  summary: string;
  healthPath: string;
  /** Always "": Django runs inside Apache, there is no origin to reach past it. */
  originUrl: string;
  scanArgs: string[];
  probeToken: string;
  files: {
    settings: string;
    /** The whole configuration (apache2.conf), which includes the site. */
    apacheConfig: string;
    /** sites-enabled/shop.conf. */
    site: string;
  };
  workDir: string;
  stop(): Promise<void>;
}

export interface ModWsgiSiteOptions {
  /** For the work directory's name and error messages. */
  name: string;
  /**
   * The text of sites-enabled/shop.conf. These {{NAME}}s are filled in: ADDRESS, HTTP_PORT, HTTPS_PORT
   * (the Listen lines are apache2.conf's), CERT, KEY, DJANGO_DIR (the project, shop/wsgi.py inside),
   * PYTHON_PATH (for WSGIDaemonProcess python-path= or WSGIPythonPath) and WORK_DIR.
   */
  site: string;
  /** A module under stacks/django/shop/settings/, e.g. "healthy_wsgi_scheme". */
  settings: string;
  summary?: string;
}

/** Runs Apache with mod_wsgi serving the shop through the given site configuration. */
export async function startModWsgiSite(opts: ModWsgiSiteOptions): Promise<RunningModWsgiStack> {
  return runStack(opts.name, `cannot start the ${opts.name} stack`, async ({ workDir, processes, stop }) => {
    const addresses = await randomStackAddresses();
    const address = addresses.proxy;
    const httpsPort = await freePort(address);
    const httpPort = await freePort(address);
    const certs = await issueCertificates(workDir, [SITE_HOST, `www.${SITE_HOST}`]);
    const probeToken = randomBytes(24).toString("hex");
    // Apache's workers (and mod_wsgi's daemon) run as www-data: the shop's data dir must be theirs to write.
    const dataDir = join(workDir, "data");
    await mkdir(dataDir);
    await chownToWebServer(dataDir);
    await mkdir(join(workDir, "sites-enabled"));
    const values = {
      ADDRESS: address,
      HTTP_PORT: String(httpPort),
      HTTPS_PORT: String(httpsPort),
      CERT: certs.certPath,
      KEY: certs.keyPath,
      DJANGO_DIR,
      PYTHON_PATH: `${DJANGO_DIR}:${PROBE_DIR}`,
      WORK_DIR: workDir,
    };
    const site = join(workDir, "sites-enabled", "shop.conf");
    await writeFile(site, fillTemplate(opts.site, values));
    // mod_wsgi's Python (embedded and daemon processes alike) inherits Apache's environment.
    const env = {
      ...BASE_ENV,
      HOME: workDir,
      ...harnessEnv(`shop.settings.${opts.settings}`, dataDir, probeToken),
      PYTHONDONTWRITEBYTECODE: "1",
    };
    const apache = await prepareProxy({
      proxy: "apache",
      variant: "healthy",
      workDir,
      address,
      httpsPort,
      httpPort,
      sourceAddress: addresses.proxySource,
      certs,
      env,
      template: "mod_wsgi/apache2.conf",
      extraValues: values,
    });
    processes.push(apache.start());
    const ca = await readFile(certs.caCertPath, "utf8");
    const siteAddress = { host: address, httpPort, httpsPort, ca, servername: SITE_HOST };
    await waitUntil(
      "apache with mod_wsgi",
      () => siteAnswers(siteAddress, HEALTH_PATH, { host: SITE_HOST }),
      processes,
      READY_TIMEOUT_MS,
    );
    return {
      summary: opts.summary ?? opts.name,
      healthPath: HEALTH_PATH,
      originUrl: "",
      scanArgs: scanArgs(address, httpsPort, httpPort, certs.caCertPath),
      probeToken,
      files: {
        settings: join(DJANGO_DIR, "shop", "settings", `${opts.settings}.py`),
        apacheConfig: apache.configPath,
        site,
      },
      workDir,
      stop,
    };
  });
}

/** The healthy or misconfigured mod_wsgi stack (templates/mod_wsgi/<variant>.conf). */
export async function startModWsgiStack(variant: ModWsgiVariant): Promise<RunningModWsgiStack> {
  const design = DESIGNS[variant];
  return startModWsgiSite({
    name: `mod_wsgi-${variant}`,
    site: await readFile(join(TEMPLATES_DIR, `${variant}.conf`), "utf8"),
    settings: design.settings,
    summary: design.summary,
  });
}
