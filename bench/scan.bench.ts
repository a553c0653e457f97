/** Full scans of a healthy nginx + gunicorn + Django stack on loopback: requests sent and wall time. */
import { parseConnectTo } from "../src/transport/mapping.js";
import { DEFAULT_SCAN_OPTIONS } from "../src/scan/options.js";
import { runScan } from "../src/scan/run.js";
import { readFileSync } from "node:fs";
import { startStack } from "../stacks/index.js";

const RUNS = 10;
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
    requests = report.requests ?? 0;
    undecided = report.checks.filter((c) => c.status === "error").length;
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(RUNS / 2)] as number;
  console.log(
    `scan (nginx healthy stack, loopback): ${requests} requests per scan, wall median ${median.toFixed(0)} ms, ` +
      `min ${(times[0] as number).toFixed(0)} ms, max ${(times[RUNS - 1] as number).toFixed(0)} ms over ${RUNS} scans; ` +
      `undecided clauses: ${undecided}`,
  );
} finally {
  await stack.stop();
}
