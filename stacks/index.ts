import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { issueCertificates, type Certificates } from "./certs.js";
import { appDesign, settingsPath, startGunicorn, writeGunicornConfig } from "./django.js";
import { freePort, randomStackAddresses } from "./ports.js";
import { runStack } from "./processes.js";
import { prepareProxy } from "./proxies.js";
import { siteAnswers, upstreamAnswers, waitUntil } from "./readiness.js";
import type { ProxyName, Upstream, Variant } from "./types.js";

export type { ProxyName, Variant } from "./types.js";

export const PROXIES: readonly ProxyName[] = ["nginx", "caddy", "haproxy", "apache"];
export const VARIANTS: readonly Variant[] = ["healthy", "passthrough", "loop", "hostrewrite"];

export const SITE_HOST = "app.test";
export const HEALTH_PATH = "/healthz";
export const READY_TIMEOUT_MS = 15_000;
// A clean environment: the machine's own python3 (pyenv) must not leak into gunicorn, nor a proxy's variables.
export const BASE_ENV = { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", LANG: "C.UTF-8" };

export interface RunningStack {
  proxy: ProxyName;
  variant: Variant;
  siteHost: string;
  /** The loopback address the proxy listens on. */
  address: string;
  httpsPort: number;
  httpPort: number;
  /** PEM of the CA that signed the proxy's certificate. */
  caCertPath: string;
  /** The gunicorn app server itself; "" when it listens on a unix socket. */
  originUrl: string;
  healthPath: string;
  /** Target URL, --connect-to mappings for ports 443 and 80 (curl syntax) and --cacert. */
  scanArgs: string[];
  /** The token the app's proxytrust probe middleware answers to (for --probe-token). */
  probeToken: string;
  /** The address the proxy connects to gunicorn from; custom templates also use it for their load balancer. */
  sourceAddress: string;
  /** The extra ports and prepared values of a custom proxy template, by {{NAME}}. */
  templateValues: Record<string, string>;
  /** The real files in use, for static audit. */
  files: { settings: string; proxyConfig: string; gunicornConfig: string };
  workDir: string;
  /** Kills the processes and removes workDir; idempotent. */
  stop(): Promise<void>;
}

/** A proxy configuration of its own instead of the variant's (stacks/links.ts). */
export interface CustomProxy {
  /** Under templates/, e.g. "links/nginx-proxy-protocol.conf". */
  template: string;
  /** More free ports on the proxy's address, each filling the {{NAME}} it is named for. */
  ports?: readonly string[];
  /** Writes more files the template names (client certificates, say) and returns their {{NAME}} values. */
  prepare?: (workDir: string, certs: Certificates) => Promise<Record<string, string>>;
}

export interface StackOptions {
  proxy: ProxyName;
  variant: Variant;
  custom?: CustomProxy;
  /** Sets PROXYTRUST_PROBE_LOG=1: the probe middleware logs every request to gunicorn's log. */
  probeLog?: boolean;
}

/** The scanner's target URL, --connect-to mappings for ports 443 and 80, and --cacert for a stack. */
export function scanArgs(address: string, httpsPort: number, httpPort: number, caCertPath: string): string[] {
  return [
    `https://${SITE_HOST}/`,
    "--connect-to",
    `${SITE_HOST}:443:${address}:${httpsPort}`,
    "--connect-to",
    `${SITE_HOST}:80:${address}:${httpPort}`,
    "--cacert",
    caCertPath,
  ];
}

/** Starts Django under gunicorn behind `proxy`, configured as `variant`, on a random loopback address. */
export async function startStack(opts: StackOptions): Promise<RunningStack> {
  const { proxy, variant } = opts;
  const failure = `cannot start the ${proxy} ${variant} stack`;
  return runStack(`${proxy}-${variant}`, failure, async ({ workDir, processes, stop }) => {
    const addresses = await randomStackAddresses();
    const address = addresses.proxy;
    const httpsPort = await freePort(address);
    const httpPort = await freePort(address);
    const design = appDesign(proxy, variant);
    const upstream: Upstream =
      design.listen === "unix"
        ? { kind: "unix", path: join(workDir, "gunicorn.sock") }
        : { kind: "tcp", host: addresses.origin, port: await freePort(addresses.origin) };
    const probeToken = randomBytes(24).toString("hex");
    const certs = await issueCertificates(workDir, [SITE_HOST, `www.${SITE_HOST}`]);
    const gunicornConfig = await writeGunicornConfig({
      workDir,
      proxy,
      variant,
      design,
      upstream,
      proxySourceAddress: addresses.proxySource,
      siteHost: SITE_HOST,
      probeToken,
      probeLog: opts.probeLog,
    });
    const env = { ...BASE_ENV, HOME: workDir };
    const templateValues: Record<string, string> = {};
    for (const name of opts.custom?.ports ?? []) templateValues[name] = String(await freePort(address));
    Object.assign(templateValues, await opts.custom?.prepare?.(workDir, certs));
    const proxyServer = await prepareProxy({
      proxy,
      variant,
      workDir,
      address,
      httpsPort,
      httpPort,
      sourceAddress: addresses.proxySource,
      upstream,
      certs,
      env,
      template: opts.custom?.template,
      extraValues: templateValues,
    });

    const gunicorn = startGunicorn(gunicornConfig, workDir, env);
    processes.push(gunicorn);
    processes.push(proxyServer.start());

    const appHeaders = { host: SITE_HOST };
    await waitUntil(
      "gunicorn",
      () => upstreamAnswers(upstream, HEALTH_PATH, appHeaders),
      processes,
      READY_TIMEOUT_MS,
    );
    const ca = await readFile(certs.caCertPath, "utf8");
    const site = { host: address, httpPort, httpsPort, ca, servername: SITE_HOST };
    await waitUntil(proxy, () => siteAnswers(site, HEALTH_PATH, appHeaders), processes, READY_TIMEOUT_MS);

    return {
      proxy,
      variant,
      siteHost: SITE_HOST,
      address,
      httpsPort,
      httpPort,
      caCertPath: certs.caCertPath,
      probeToken,
      sourceAddress: addresses.proxySource,
      templateValues,
      originUrl: upstream.kind === "tcp" ? `http://${upstream.host}:${upstream.port}` : "",
      healthPath: HEALTH_PATH,
      scanArgs: scanArgs(address, httpsPort, httpPort, certs.caCertPath),
      files: { settings: settingsPath(design), proxyConfig: proxyServer.configPath, gunicornConfig },
      workDir,
      stop,
    };
  });
}
