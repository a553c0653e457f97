// Preloaded into a benchmarked process: writes its peak resident memory (KB) to a file as it exits.
import { writeFileSync } from "node:fs";
import process from "node:process";

process.on("exit", () => {
  writeFileSync(process.env.PROXYTRUST_BENCH_RSS_FILE, String(process.resourceUsage().maxRSS));
});
