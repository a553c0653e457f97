/**
 * The shop under each app server Django runs on (uvicorn, daphne, uWSGI, waitress) behind a real
 * nginx, one healthy and one misconfigured stack each. The command line runs exactly as written in the
 * stack's systemd unit (shop.service), which is what `audit --app-server` reads.
 */
import { randomBytes } from "node:crypto";
import { chmod, readFile, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { join } from "node:path";
import { issueCertificates } from "./certs.js";
import { DJANGO_DIR, harnessEnv, PROBE_DIR } from "./django.js";
import { BASE_ENV, scanArgs, SITE_HOST, HEALTH_PATH, READY_TIMEOUT_MS } from "./index.js";
import { freePort, randomStackAddresses, type StackAddresses } from "./ports.js";
import { runStack, spawnManaged } from "./processes.js";
import { prepareProxy } from "./proxies.js";
import { siteAnswers, upstreamAnswers, waitUntil } from "./readiness.js";
import type { Upstream } from "./types.js";

export type AppServerName = "uvicorn" | "daphne" | "uwsgi" | "waitress";
export type AppServerVariant = "healthy" | "misconfigured";
export const APP_SERVERS: readonly AppServerName[] = ["uvicorn", "daphne", "uwsgi", "waitress"];
export const APP_SERVER_VARIANTS: readonly AppServerVariant[] = ["healthy", "misconfigured"];

const PYTHON = "/usr/bin/python3"; // Debian's, with Django 4.2 and the servers' packages

/** nginx's proxy_pass headers of the healthy stacks: the proxy's own values, client copies removed. */
const PROXY_HEADERS = [
  "proxy_set_header Host $host;",
  "proxy_set_header X-Forwarded-Proto $scheme;",
  "proxy_set_header X-Forwarded-For $remote_addr;",
  "proxy_set_header X-Real-IP $remote_addr;",
  "proxy_set_header X-Forwarded-Host $host;",
  'proxy_set_header X-Forwarded-Ssl "";',
  'proxy_set_header X-Forwarded-Protocol "";',
  'proxy_set_header Forwarded "";',
  "# HSTS is the proxy's business; drop the app's copy so there is exactly one.",
  "proxy_hide_header Strict-Transport-Security;",
];

/** The CGI variables a hand-written uWSGI param list has when it was copied without HTTPS. */
const HAND_WRITTEN_UWSGI_PARAMS = [
  "uwsgi_param QUERY_STRING $query_string;",
  "uwsgi_param REQUEST_METHOD $request_method;",
  "uwsgi_param CONTENT_TYPE $content_type;",
  "uwsgi_param CONTENT_LENGTH $content_length;",
  "uwsgi_param REQUEST_URI $request_uri;",
  "uwsgi_param PATH_INFO $document_uri;",
  "uwsgi_param SERVER_PROTOCOL $server_protocol;",
  "uwsgi_param REMOTE_ADDR $remote_addr;",
  "uwsgi_param SERVER_NAME $server_name;",
  "uwsgi_param SERVER_PORT $server_port;",
];

interface Design {
  /** How it is deployed, for the unit's description and test names. */
  summary: string;
  listen: Upstream["kind"];
  /** The program and its arguments after the address options. */
  command(address: ListenAddress, addresses: StackAddresses): string[];
  /** nginx lines at http level (FORWARDING) and the pass line in each location (PASS). */
  forwarding: string[];
  pass: string;
  /** Whether nginx connects from the proxy's own source address (TCP only). */
  bindSource: boolean;
}

type ListenAddress = Upstream;

const tcp = (a: ListenAddress) => (a.kind === "tcp" ? `${a.host}:${a.port}` : "");
const socketPath = (a: ListenAddress) => (a.kind === "unix" ? a.path : "");

const DESIGNS: Record<AppServerName, Record<AppServerVariant, Design>> = {
  uvicorn: {
    healthy: {
      summary: "uvicorn on TCP, trusting X-Forwarded-Proto from the proxy's source address only",
      listen: "tcp",
      command: (a, addresses) => [
        PYTHON,
        "-m",
        "uvicorn",
        "shop.asgi:application",
        ...(a.kind === "tcp" ? ["--host", a.host, "--port", String(a.port)] : []),
        `--forwarded-allow-ips=${addresses.proxySource}`,
      ],
      forwarding: PROXY_HEADERS,
      pass: "proxy_pass http://shop;",
      bindSource: true,
    },
    misconfigured: {
      summary:
        "uvicorn on a unix socket with the default --forwarded-allow-ips, which no socket peer matches",
      listen: "unix",
      command: (a) => [PYTHON, "-m", "uvicorn", "shop.asgi:application", "--uds", socketPath(a)],
      forwarding: PROXY_HEADERS,
      pass: "proxy_pass http://shop;",
      bindSource: false,
    },
  },
  daphne: {
    healthy: {
      summary:
        "daphne on a unix socket with --proxy-headers; nginx sets X-Forwarded-For and X-Forwarded-Proto",
      listen: "unix",
      command: daphneCommand,
      forwarding: PROXY_HEADERS,
      pass: "proxy_pass http://shop;",
      bindSource: false,
    },
    misconfigured: {
      summary:
        "daphne with --proxy-headers behind an nginx that sets X-Forwarded-Proto but not X-Forwarded-For",
      listen: "unix",
      command: daphneCommand,
      forwarding: PROXY_HEADERS.filter((line) => !line.includes("X-Forwarded-For")),
      pass: "proxy_pass http://shop;",
      bindSource: false,
    },
  },
  uwsgi: {
    healthy: {
      summary:
        "uWSGI on a uwsgi socket; nginx includes uwsgi_params (HTTPS) and overwrites X-Forwarded-Proto",
      listen: "unix",
      command: (a) => uwsgiCommand(a),
      forwarding: [
        "include /etc/nginx/uwsgi_params;",
        "# uWSGI takes the scheme from X-Forwarded-Proto whoever sends it: never the client's.",
        "uwsgi_param HTTP_X_FORWARDED_PROTO $scheme;",
        'uwsgi_param HTTP_X_FORWARDED_SSL "";',
        "uwsgi_param HTTP_X_FORWARDED_FOR $remote_addr;",
        "uwsgi_param HTTP_X_REAL_IP $remote_addr;",
        "uwsgi_hide_header Strict-Transport-Security;",
      ],
      pass: "uwsgi_pass shop;",
      bindSource: false,
    },
    misconfigured: {
      summary:
        "uWSGI behind hand-written uwsgi_params without HTTPS, and proxy_set_header lines that do nothing",
      listen: "unix",
      command: (a) => uwsgiCommand(a),
      forwarding: [
        ...HAND_WRITTEN_UWSGI_PARAMS,
        "proxy_set_header X-Forwarded-Proto $scheme;",
        "proxy_set_header Host $host;",
        "uwsgi_hide_header Strict-Transport-Security;",
      ],
      pass: "uwsgi_pass shop;",
      bindSource: false,
    },
  },
  waitress: {
    healthy: {
      summary: "waitress on TCP trusting the proxy's source address, clearing untrusted proxy headers",
      listen: "tcp",
      command: (a, addresses) => [
        "/usr/bin/waitress-serve",
        `--listen=${tcp(a)}`,
        `--trusted-proxy=${addresses.proxySource}`,
        "--trusted-proxy-headers=x-forwarded-proto",
        "--clear-untrusted-proxy-headers",
        "shop.wsgi:application",
      ],
      forwarding: PROXY_HEADERS,
      pass: "proxy_pass http://shop;",
      bindSource: true,
    },
    misconfigured: {
      summary: "waitress on TCP without trusted_proxy: it never believes the proxy's X-Forwarded-Proto",
      listen: "tcp",
      command: (a) => ["/usr/bin/waitress-serve", `--listen=${tcp(a)}`, "shop.wsgi:application"],
      forwarding: PROXY_HEADERS,
      pass: "proxy_pass http://shop;",
      bindSource: true,
    },
  },
};

function daphneCommand(a: ListenAddress): string[] {
  return [PYTHON, "-m", "daphne", "-u", socketPath(a), "--proxy-headers", "shop.asgi:application"];
}

function uwsgiCommand(a: ListenAddress): string[] {
  return [
    "/usr/bin/uwsgi",
    "--plugin",
    "python3",
    "--socket",
    socketPath(a),
    "--chmod-socket=666",
    "--chdir",
    DJANGO_DIR,
    "--module",
    "shop.wsgi:application",
    "--threads",
    "8",
    "--need-app",
  ];
}

export interface RunningAppServerStack {
  server: AppServerName;
  variant: AppServerVariant;
  summary: string;
  healthPath: string;
  /** The app server's own http address when it listens on TCP, else "". */
  originUrl: string;
  scanArgs: string[];
  probeToken: string;
  files: { settings: string; proxyConfig: string; unit: string };
  stop(): Promise<void>;
}

/** A systemd unit holding the exact command and environment the stack runs. */
function unitFile(
  server: AppServerName,
  summary: string,
  argv: string[],
  env: Record<string, string>,
): string {
  const quote = (word: string) =>
    /^[\w@%+=:,./-]+$/.test(word) ? word : `"${word.replace(/(["\\])/g, "\\$1")}"`;
  return [
    "[Unit]",
    `Description=shop under ${server}: ${summary}`,
    "After=network.target",
    "",
    "[Service]",
    ...Object.entries(env).map(([name, value]) => `Environment=${quote(`${name}=${value}`)}`),
    `ExecStart=${argv.map(quote).join(" \\\n    ")}`,
    "Restart=on-failure",
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "",
  ].join("\n");
}

/** Resolves once nginx answers the health path with a status the app gave (not 502/504 from nginx). */
function healthThroughProxy(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host, port, path: HEALTH_PATH, headers: { host: SITE_HOST }, agent: false, timeout: 1_000 },
      (res) => {
        res.resume();
        if ((res.statusCode ?? 500) < 500) resolve();
        else reject(new Error(`health check answered ${res.statusCode}`));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
    req.end();
  });
}

export async function startAppServerStack(
  server: AppServerName,
  variant: AppServerVariant,
): Promise<RunningAppServerStack> {
  const design = DESIGNS[server][variant];
  return runStack(
    `${server}-${variant}`,
    `cannot start the ${server} ${variant} stack`,
    async ({ workDir, processes, stop }) => {
      const addresses = await randomStackAddresses();
      const httpsPort = await freePort(addresses.proxy);
      const httpPort = await freePort(addresses.proxy);
      const listen: ListenAddress =
        design.listen === "unix"
          ? { kind: "unix", path: join(workDir, `${server}.sock`) }
          : { kind: "tcp", host: addresses.origin, port: await freePort(addresses.origin) };
      const probeToken = randomBytes(24).toString("hex");
      const certs = await issueCertificates(workDir, [SITE_HOST, `www.${SITE_HOST}`]);
      const settings = "healthy_wsgi_scheme";
      const appEnv = {
        ...harnessEnv(`shop.settings.${settings}`, workDir, probeToken),
        PYTHONPATH: `${DJANGO_DIR}:${PROBE_DIR}`,
      };
      const argv = design.command(listen, addresses);
      const unit = join(workDir, "shop.service");
      await writeFile(unit, unitFile(server, design.summary, argv, appEnv));
      const env = { ...BASE_ENV, HOME: workDir };
      const forwarding = [
        ...(design.bindSource ? [`proxy_bind ${addresses.proxySource};`] : []),
        ...design.forwarding,
      ];
      const proxy = await prepareProxy({
        proxy: "nginx",
        variant: "healthy",
        workDir,
        address: addresses.proxy,
        httpsPort,
        httpPort,
        sourceAddress: addresses.proxySource,
        upstream: listen,
        certs,
        env,
        template: "appserver/nginx.conf",
        extraValues: {
          APP_SERVER: server,
          UPSTREAM: listen.kind === "unix" ? `unix:${listen.path}` : tcp(listen),
          FORWARDING: forwarding.map((line) => `    ${line}`).join("\n"),
          PASS: design.pass,
        },
      });
      const [program, ...args] = argv as [string, ...string[]];
      processes.push(
        spawnManaged(server, program, args, {
          cwd: workDir,
          env: { ...env, ...appEnv, PYTHONDONTWRITEBYTECODE: "1" },
          logPath: join(workDir, "logs", `${server}.log`),
          stopSignal: "SIGINT",
        }),
      );
      const appHeaders = { host: SITE_HOST };
      // A uwsgi-protocol socket answers no HTTP: nginx's health check below waits for it.
      if (server !== "uwsgi") {
        await waitUntil(
          server,
          () => upstreamAnswers(listen, HEALTH_PATH, appHeaders),
          processes,
          READY_TIMEOUT_MS,
        );
        // nginx's workers run as www-data; the socket is the app server's (root's).
        if (listen.kind === "unix") await chmod(listen.path, 0o666);
      }
      processes.push(proxy.start());
      const ca = await readFile(certs.caCertPath, "utf8");
      const site = { host: addresses.proxy, httpPort, httpsPort, ca, servername: SITE_HOST };
      await waitUntil(
        `nginx in front of ${server}`,
        async () => {
          await healthThroughProxy(addresses.proxy, httpPort);
          await siteAnswers(site, HEALTH_PATH, appHeaders);
        },
        processes,
        READY_TIMEOUT_MS,
      );
      return {
        server,
        variant,
        summary: design.summary,
        healthPath: HEALTH_PATH,
        originUrl: listen.kind === "tcp" ? `http://${tcp(listen)}` : "",
        scanArgs: scanArgs(addresses.proxy, httpsPort, httpPort, certs.caCertPath),
        probeToken,
        files: {
          settings: join(DJANGO_DIR, "shop", "settings", `${settings}.py`),
          proxyConfig: proxy.configPath,
          unit,
        },
        stop,
      };
    },
  );
}
