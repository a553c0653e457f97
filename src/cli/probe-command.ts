/** `proxytrust probe print`: writes the Django probe middleware shipped in the package to stdout. */
import { readFileSync } from "node:fs";
import { Command } from "./commander.js";

/** python/ sits beside src/ and dist/ at the package root. */
const PROBE_FILE = new URL("../../python/proxytrust_probe.py", import.meta.url);

export function probeCommand(): Command {
  const probe = new Command("probe").description("the Django probe middleware (see docs/probe.md)");
  probe
    .command("print")
    .description("print the single-file middleware, e.g. > myproject/proxytrust_probe.py")
    .action(() => {
      process.stdout.write(readFileSync(PROBE_FILE, "utf8"));
    });
  return probe;
}
