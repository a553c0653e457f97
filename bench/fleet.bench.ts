/**
 * Fleet scans on loopback: VHOSTS virtual hosts (t1.fleet.test, ...) on one real nginx in front of one
 * real Django under gunicorn, scanned 100, 500 and 1000 at a time with the default fleet settings.
 * Prints targets per second, requests per target, the scanner's own CPU per target and peak resident
 * memory for each size, each beside its goal; memory must not grow with the number of targets.
 * Also the CPU per target of nginx and gunicorn: on one machine, targets per second are bounded by the
 * scanner's and the stack's CPU together. gunicorn runs two workers, as a production deployment sizes
 * it to the machine's cores (gunicorn's docs suggest 2-4 per core): one Python process uses one core
 * at most, and would cap the whole fleet's throughput at what a single core of Django answers.
 */
import { randomBytes } from "node:crypto";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { scanFleet, type FleetTarget } from "../src/fleet/scan-fleet.js";
import { JsonlWriter } from "../src/fleet/jsonl.js";
import { DEFAULT_SCAN_OPTIONS, type ScanOptions } from "../src/scan/options.js";
import { issueCertificates } from "../stacks/certs.js";
import { startGunicorn, writeGunicornConfig, type AppDesign } from "../stacks/django.js";
import { BASE_ENV } from "../stacks/index.js";
import { freePort, randomStackAddresses } from "../stacks/ports.js";
import { runStack } from "../stacks/processes.js";
import { prepareProxy } from "../stacks/proxies.js";
import { answersHttp, answersHttps, waitUntil } from "../stacks/readiness.js";
import { roundedAgainst, verdict } from "./processes.js";

// `node --import tsx bench/fleet.bench.ts 50` scans other sizes, e.g. for profiling.
const SIZES = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [100, 500, 1000];
const WARM_UP = 8;
// Each size scans names no run before it scanned: TLS sessions the scanner kept from an earlier size
// would spare some of its targets a full handshake, and make the figures depend on the order of sizes.
const VHOSTS = WARM_UP + SIZES.reduce((sum, size) => sum + size, 0);
const FLEET = { concurrency: 8, politeness: { perHost: 2, delayMs: 0 } };
const DESIGN: AppDesign = {
  settings: "fleet",
  listen: "tcp",
  schemeTrust: "proxy-source-address",
  workers: 2,
};
const hostName = (i: number) => `t${i}.fleet.test`;
const GOAL = { targetsPerSecond: 25, requestsPerTarget: 50, cpuMsPerTarget: 20, memoryGrowth: 1.25 };

/** The healthy nginx stack's two server blocks, once per name. */
function serverBlocks(address: string, httpPort: number, httpsPort: number): string {
  const blocks: string[] = [];
  for (let i = 1; i <= VHOSTS; i++) {
    const name = hostName(i);
    blocks.push(`    server {
        listen ${address}:${httpPort};
        server_name ${name};
        location = /healthz { proxy_pass http://shop; }
        location / { return 301 https://${name}$request_uri; }
    }
    server {
        listen ${address}:${httpsPort} ssl;
        server_name ${name};
        add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;
        location / { proxy_pass http://shop; }
    }`);
  }
  return blocks.join("\n");
}

function startFleetStack() {
  return runStack("fleet-bench", "cannot start the fleet stack", async ({ workDir, processes, stop }) => {
    const addresses = await randomStackAddresses();
    const [httpsPort, httpPort, upstreamPort] = await Promise.all([
      freePort(addresses.proxy),
      freePort(addresses.proxy),
      freePort(addresses.origin),
    ]);
    const upstream = { kind: "tcp" as const, host: addresses.origin, port: upstreamPort };
    const certs = await issueCertificates(workDir, ["fleet.test", "*.fleet.test"]);
    const env = { ...BASE_ENV, HOME: workDir };
    const gunicornConfig = await writeGunicornConfig({
      workDir,
      proxy: "nginx",
      variant: "healthy",
      design: DESIGN,
      upstream,
      proxySourceAddress: addresses.proxySource,
      siteHost: hostName(1),
      probeToken: randomBytes(24).toString("hex"),
    });
    const nginx = await prepareProxy({
      proxy: "nginx",
      variant: "healthy",
      workDir,
      address: addresses.proxy,
      httpsPort,
      httpPort,
      sourceAddress: addresses.proxySource,
      upstream,
      certs,
      env,
      template: "fleet/nginx.conf",
      extraValues: { FLEET_SERVERS: serverBlocks(addresses.proxy, httpPort, httpsPort) },
    });
    processes.push(startGunicorn(gunicornConfig, workDir, env), nginx.start());
    const ca = await readFile(certs.caCertPath, "utf8");
    const headers = { host: hostName(1) };
    await waitUntil(
      "nginx and gunicorn",
      async () => {
        await answersHttp({ host: addresses.proxy, port: httpPort, path: "/healthz", headers });
        await answersHttps({
          host: addresses.proxy,
          port: httpsPort,
          ca,
          servername: hostName(1),
          path: "/",
          headers,
        });
      },
      processes,
      15_000,
    );
    const options: ScanOptions = {
      ...DEFAULT_SCAN_OPTIONS,
      // Every name under fleet.test is this one nginx, as DNS would have it.
      mappings: [
        { fromHost: "", fromPort: "443", toHost: addresses.proxy, toPort: String(httpsPort) },
        { fromHost: "", fromPort: "80", toHost: addresses.proxy, toPort: String(httpPort) },
      ],
      ca,
      healthPaths: ["/healthz"],
      origins: [new URL(`http://${upstream.host}:${upstream.port}`)],
    };
    return { options, workDir, stop };
  });
}

/**
 * Peak resident set size while `run` runs: the kernel's high-water mark (VmHWM), reset first through
 * /proc/self/clear_refs. Exact, and unlike sampling it spends no CPU that would count as the scanner's.
 */
async function peakRss<T>(run: () => Promise<T>): Promise<{ result: T; peak: number }> {
  writeFileSync("/proc/self/clear_refs", "5");
  const result = await run();
  const kib = /^VmHWM:\s*(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
  return { result, peak: Number(kib) * 1024 };
}

/** Linux's USER_HZ: the unit of the CPU times in /proc/PID/stat. */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system, ms) of every process below this one, by command name, read from /proc: the
 * stack's nginx and gunicorn, which share the machine's cores with the scanner and so bound its throughput.
 */
function stackCpuMs(pid = process.pid, byCommand = new Map<string, number>()): Map<string, number> {
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const children = readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").split(" ").filter(Boolean);
    for (const child of children) {
      try {
        // utime and stime are the 12th and 13th fields after the parenthesised command name.
        const stat = readFileSync(`/proc/${child}/stat`, "utf8");
        const command = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        const ms = ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
        // tsx's esbuild service compiles this bench; it is not part of the stack.
        if (command !== "esbuild") byCommand.set(command, (byCommand.get(command) ?? 0) + ms);
        stackCpuMs(Number(child), byCommand);
      } catch {
        // Gone since it was listed: its time no longer counts anywhere.
      }
    }
  }
  return byCommand;
}

/** CPU per target of each command between two readings, e.g. "nginx 20.1, gunicorn 45.0". */
function stackCpuPerTarget(before: Map<string, number>, after: Map<string, number>, targets: number): string {
  return [...after]
    .map(([command, ms]) => ({ command, ms: (ms - (before.get(command) ?? 0)) / targets }))
    .filter(({ ms }) => ms > 0)
    .map(({ command, ms }) => `${command} ${ms.toFixed(1)}`)
    .join(", ");
}

// Each size starts from a collected heap, as it would in a process of its own: otherwise the garbage the
// size before left behind counts as this size's memory, and the figure depends on the order of the sizes.
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

const stack = await startFleetStack();
try {
  let scanned = 0;
  /** The next `count` names, none scanned before. */
  const targetsOf = (count: number): FleetTarget[] =>
    Array.from({ length: count }, () => ({
      url: new URL(`https://${hostName(++scanned)}/`),
      options: stack.options,
    }));
  await scanFleet(targetsOf(WARM_UP), FLEET); // warm-up: gunicorn threads, Django's first requests
  const peaks: number[] = [];
  for (const size of SIZES) {
    const jsonl = new JsonlWriter(join(stack.workDir, `fleet-${size}.jsonl`));
    collectGarbage();
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const stackCpuBefore = stackCpuMs();
    const { result, peak } = await peakRss(() =>
      scanFleet(targetsOf(size), { ...FLEET, onReport: (report) => jsonl.write(report) }),
    );
    const cpu = process.cpuUsage(cpuBefore);
    const stackCpu = stackCpuPerTarget(stackCpuBefore, stackCpuMs(), size);
    const seconds = (performance.now() - started) / 1000;
    jsonl.close();
    peaks.push(peak);
    const { summary } = result;
    const notPassing = summary.checks.filter((c) => c.status === "error" || c.status === "fail");
    const undecided = notPassing.filter((c) => c.status === "error").length;
    const failing = notPassing.length - undecided;
    const label = `fleet scan of ${size} targets`;
    console.log(
      `${label} (${VHOSTS} virtual hosts on one nginx + one Django, concurrency ` +
        `${FLEET.concurrency}, ${FLEET.politeness.perHost} per host): ${seconds.toFixed(1)} s, ` +
        `${((summary.requests ?? 0) / seconds).toFixed(0)} requests/s, peak RSS ${mib(peak)}; ` +
        `${result.couldNotRun} unreachable, ${failing} failing and ${undecided} undecided results`,
    );
    const perSecond = size / seconds;
    const requests = (summary.requests ?? 0) / size;
    const cpuMs = (cpu.user + cpu.system) / 1000 / size;
    console.log(
      verdict(
        `  ${label}: ${roundedAgainst(perSecond, 1, "at-least")} targets/s`,
        `>= ${GOAL.targetsPerSecond}`,
        perSecond >= GOAL.targetsPerSecond,
      ),
    );
    console.log(
      verdict(
        `  ${label}: ${roundedAgainst(requests, 0, "at-most")} requests per target`,
        `<= ${GOAL.requestsPerTarget}`,
        requests <= GOAL.requestsPerTarget,
      ),
    );
    console.log(
      verdict(
        `  ${label}: scanner CPU ${roundedAgainst(cpuMs, 1, "at-most")} ms per target (user ${(cpu.user / 1000 / size).toFixed(1)}, system ${(cpu.system / 1000 / size).toFixed(1)})`,
        `<= ${GOAL.cpuMsPerTarget} ms`,
        cpuMs <= GOAL.cpuMsPerTarget,
      ),
    );
    console.log(
      `  ${label}: CPU per target of the processes below the bench (the stack, on the same cores), in ms: ${stackCpu}`,
    );
    // Every target is the healthy stack: anything else is worth a look (a machine too loaded, say).
    for (const check of notPassing.slice(0, 3))
      console.log(`  ${check.status} ${check.target} ${check.id}: ${check.summary.split("\n")[0]}`);
  }
  for (const [i, peak] of peaks.entries()) {
    if (i === 0) continue;
    const growth = peak / (peaks[0] as number);
    console.log(
      verdict(
        `fleet peak RSS ${SIZES[i]} targets / ${SIZES[0]} targets: x${roundedAgainst(growth, 2, "at-most")} ` +
          `(flat: ${(SIZES[i]! / SIZES[0]!).toFixed(0)}x the targets, at most ` +
          `${Math.round((GOAL.memoryGrowth - 1) * 100)}% more memory; only the summary grows)`,
        `<= x${GOAL.memoryGrowth}`,
        growth <= GOAL.memoryGrowth,
      ),
    );
  }
} finally {
  await stack.stop();
}
