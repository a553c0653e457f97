/**
 * Full scans of a healthy nginx + gunicorn + Django stack on loopback: requests sent and wall time
 * in-process, then whole processes of the built CLI beside `node -e 0`, with every clause decided.
 * Mozilla's HTTP Observatory is not run beside it: it scans a host name's standard ports found through
 * DNS, while the stacks live on random loopback addresses and ports that only --connect-to reaches, and
 * installing it runs a dependency's install script that downloads a CA bundle from outside. The
 * whole-process goal stands in for it: 0.35 x its 0.76 s measured beside a 0.08 s `node -e 0` is
 * about 3.3 x `node -e 0`.
 */
import { readFileSync } from "node:fs";
import { parseConnectTo } from "../src/transport/mapping.js";
import { DEFAULT_SCAN_OPTIONS } from "../src/scan/options.js";
import { runScan } from "../src/scan/run.js";
import { startStack } from "../stacks/index.js";
import { BUILT_CLI, median, medianTimes, roundedAgainst, verdict } from "./processes.js";

const RUNS = 10;
/** A whole-process scan may cost this many `node -e 0` starts; printed so a regression shows on any machine. */
const GOAL_RATIO = 3.3;
/** Requests one scan may send: every probe costs the site a request and the scan time. */
const GOAL_REQUESTS = 50;
const stack = await startStack({ proxy: "nginx", variant: "healthy" });
try {
  const mappings = stack.scanArgs.flatMap((arg, i, all) =>
    all[i - 1] === "--connect-to" ? [parseConnectTo(arg)] : [],
  );
  const options = {
    ...DEFAULT_SCAN_OPTIONS,
    mappings,
    ca: readFileSync(stack.caCertPath, "utf8"),
    healthPaths: [stack.healthPath],
    origins: [new URL(stack.originUrl)],
  };
  const target = new URL(stack.scanArgs[0] as string);
  await runScan(target, options); // warm-up: gunicorn workers, TLS session setup
  const times: number[] = [];
  let requests = 0;
  let undecided = 0;
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const { report } = await runScan(target, options);
    times.push(performance.now() - started);
    requests = Math.max(requests, report.requests ?? 0);
    undecided = Math.max(undecided, report.checks.filter((c) => c.status === "error").length);
  }
  times.sort((a, b) => a - b);
  console.log(
    verdict(
      `scan (nginx healthy stack, loopback): ${requests} requests per scan (the most of ${RUNS}), wall median ${median(times).toFixed(0)} ms, ` +
        `min ${(times[0] as number).toFixed(0)} ms, max ${(times[RUNS - 1] as number).toFixed(0)} ms; ` +
        `undecided clauses: ${undecided}`,
      `<= ${GOAL_REQUESTS} requests, no clause undecided`,
      requests > 0 && requests <= GOAL_REQUESTS && undecided === 0,
    ),
  );

  const cli = [
    BUILT_CLI,
    "scan",
    ...stack.scanArgs,
    "--health-path",
    stack.healthPath,
    "--origin",
    stack.originUrl,
    "--format",
    "json",
  ];
  let cliUndecided = 0;
  const cliTimes = medianTimes({ baseline: ["-e", "0"], scan: cli }, RUNS, (name, run) => {
    if (name !== "scan") return;
    const report = JSON.parse(run.stdout) as { checks: { status: string }[] };
    cliUndecided = Math.max(cliUndecided, report.checks.filter((c) => c.status === "error").length);
  });
  const [scanMs, baselineMs] = [cliTimes.scan as number, cliTimes.baseline as number];
  const ratio = scanMs / baselineMs;
  console.log(
    verdict(
      `scan whole process (built CLI): ${scanMs.toFixed(0)} ms, ${roundedAgainst(ratio, 2, "at-most")}x node -e 0 (${baselineMs.toFixed(0)} ms), median of ${RUNS}; undecided clauses: ${cliUndecided}`,
      `<= ${GOAL_RATIO}x node -e 0, no clause undecided`,
      ratio <= GOAL_RATIO && cliUndecided === 0,
    ),
  );
} finally {
  await stack.stop();
}
