/** Start-up of the built CLI: `--version` and `explain scheme` against `node -e 0`, whole processes. */
import { BUILT_CLI, medianTimes, roundedAgainst, verdict } from "./processes.js";

const RUNS = 15;
const GOAL = 1.5;
const times = medianTimes(
  {
    baseline: ["-e", "0"],
    version: [BUILT_CLI, "--version"],
    explain: [BUILT_CLI, "explain", "scheme"],
  },
  RUNS,
);
const baseline = times.baseline as number;
for (const [name, label] of [
  ["version", "proxytrust --version"],
  ["explain", "proxytrust explain scheme"],
] as const) {
  const ratio = (times[name] as number) / baseline;
  console.log(
    verdict(
      `start-up ${label}: ${(times[name] as number).toFixed(0)} ms, ${roundedAgainst(ratio, 2, "at-most")}x node -e 0 (${baseline.toFixed(0)} ms), median of ${RUNS}`,
      `<= ${GOAL}x`,
      ratio <= GOAL,
    ),
  );
}
