// Preloaded into a benchmarked process: writes its peak resident memory (KB) and CPU time (ms) to a file as it exits.
import { writeFileSync } from "node:fs";
import process from "node:process";

process.on("exit", () => {
  const usage = process.resourceUsage();
  const cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000;
  writeFileSync(process.env.PROXYTRUST_BENCH_USAGE_FILE, JSON.stringify({ maxRssKb: usage.maxRSS, cpuMs }));
});
