/** Starts a healthy and a misconfigured nginx + gunicorn + Django stack, scans and audits both. */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startStack, type ProxyName, type RunningStack } from "../stacks/index.js";

const CLI = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));
const proxy = (process.argv[2] ?? "nginx") as ProxyName;

function proxytrust(args: string[]): number {
  console.log(`\n$ proxytrust ${args.join(" ")}\n`);
  return spawnSync(process.execPath, ["--import", "tsx", CLI, ...args], { stdio: "inherit" }).status ?? 3;
}

function auditFlag(stack: RunningStack): string {
  return `--${stack.proxy}`;
}

const stacks = await Promise.all([
  startStack({ proxy, variant: "healthy" }),
  startStack({ proxy, variant: "passthrough" }),
]);
try {
  for (const stack of stacks) {
    console.log(`\n=== ${stack.proxy} in front of Django, configured "${stack.variant}" (${stack.address})`);
    const origin = stack.originUrl ? ["--origin", stack.originUrl] : [];
    const scanExit = proxytrust(["scan", ...stack.scanArgs, "--health-path", stack.healthPath, ...origin]);
    const auditExit = proxytrust([
      "audit",
      "--settings",
      stack.files.settings,
      auditFlag(stack),
      stack.files.proxyConfig,
      "--gunicorn",
      stack.files.gunicornConfig,
    ]);
    console.log(`\n(scan exit ${scanExit}, audit exit ${auditExit})`);
  }
} finally {
  await Promise.all(stacks.map((s) => s.stop()));
}
