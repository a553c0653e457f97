/**
 * Timing for the tests that parsing stays linear, in CPU time: a machine busy with other work stretches
 * wall time (a run of 100 ms waits for the core many times; one of 0.1 ms seldom does), not the time the
 * process spends working. The fastest of several runs: a GC pause then cannot pass for growth either,
 * while a quadratic parser is slow every run.
 */
export function fastestMs(run: () => void, runs = 3): number {
  let fastest = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = process.cpuUsage();
    run();
    fastest = Math.min(fastest, cpuMsSince(start));
  }
  return fastest;
}

/** CPU milliseconds (user and system) the process spent since `start`, a process.cpuUsage() reading. */
export function cpuMsSince(start: NodeJS.CpuUsage): number {
  const spent = process.cpuUsage(start);
  return (spent.user + spent.system) / 1000;
}
