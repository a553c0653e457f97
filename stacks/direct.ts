/**
 * gunicorn serving the shop with no proxy in front, on a loopback address: plain HTTP on a port
 * of the test's choosing (an app server left open on its usual port), or TLS it terminates itself
 * with certfile/keyfile.
 */
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { issueCertificates } from "./certs.js";
import { BASE_ENV } from "./index.js";
import { settingsPath, startGunicorn, writeGunicornConfig, type AppDesign } from "./django.js";
import { freePort, randomStackAddresses } from "./ports.js";
import { forgetTempDir, registerTempDir } from "./processes.js";
import { answersHttp, answersHttps, waitUntil } from "./readiness.js";

const SITE_HOST = "app.test";

export interface DirectAppOptions {
  tls: boolean;
  /** Default: a fresh random loopback address. */
  address?: string;
  /** Default: a free port. */
  port?: number;
  /** Module under shop.settings. */
  settings: AppDesign["settings"];
  /** gunicorn's forwarded_allow_ips: "nobody", or its default (127.0.0.1). */
  schemeTrust: Extract<AppDesign["schemeTrust"], "nobody" | "gunicorn-default">;
}

export interface DirectApp {
  siteHost: string;
  address: string;
  port: number;
  /** scheme://address:port/ */
  url: string;
  caCertPath: string;
  probeToken: string;
  files: { settings: string; gunicornConfig: string };
  stop(): Promise<void>;
}

export async function startDirectApp(opts: DirectAppOptions): Promise<DirectApp> {
  const workDir = await mkdtemp(join(tmpdir(), "proxytrust-direct-"));
  registerTempDir(workDir);
  await mkdir(join(workDir, "logs"));
  const address = opts.address ?? (await randomStackAddresses()).origin;
  const port = opts.port ?? (await freePort(address));
  const design: AppDesign = { settings: opts.settings, listen: "tcp", schemeTrust: opts.schemeTrust };
  const certs = await issueCertificates(workDir, [SITE_HOST]);
  const probeToken = randomBytes(24).toString("hex");
  const gunicornConfig = await writeGunicornConfig({
    workDir,
    proxy: "nginx",
    variant: "healthy",
    design,
    upstream: { kind: "tcp", host: address, port },
    proxySourceAddress: address,
    siteHost: SITE_HOST,
    probeToken,
    ...(opts.tls ? { tls: certs } : {}),
  });
  const gunicorn = startGunicorn(gunicornConfig, workDir, { ...BASE_ENV, HOME: workDir });
  const stop = async () => {
    await gunicorn.stop();
    await rm(workDir, { recursive: true, force: true });
    forgetTempDir(workDir);
  };
  try {
    const ca = await readFile(certs.caCertPath, "utf8");
    const ready = { host: address, port, path: "/healthz", headers: { host: SITE_HOST } };
    await waitUntil(
      "gunicorn",
      () => (opts.tls ? answersHttps({ ...ready, ca, servername: SITE_HOST }) : answersHttp(ready)),
      [gunicorn],
      15_000,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    siteHost: SITE_HOST,
    address,
    port,
    url: `${opts.tls ? "https" : "http"}://${address}:${port}/`,
    caCertPath: certs.caCertPath,
    probeToken,
    files: { settings: settingsPath(design), gunicornConfig },
    stop,
  };
}

/**
 * Scan arguments for a gunicorn that terminates TLS itself: the site's https:// URL pinned to it, and
 * plain HTTP pinned to a closed loopback port, so nothing serves it and no name is ever looked up.
 */
export function directTlsSiteArgs(app: DirectApp, closedHttpPort: number): string[] {
  return [
    `https://${app.siteHost}/`,
    "--connect-to",
    `${app.siteHost}:443:${app.address}:${app.port}`,
    "--connect-to",
    `${app.siteHost}:80:${app.address}:${closedHttpPort}`,
    "--cacert",
    app.caCertPath,
  ];
}
