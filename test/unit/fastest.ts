/**
 * Timing for the tests that parsing stays linear: the fastest of several runs. A GC pause or a core
 * busy with other test files then cannot pass for growth, while a quadratic parser is slow every run.
 */
export function fastestMs(run: () => void, runs = 3): number {
  let fastest = Infinity;
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    run();
    fastest = Math.min(fastest, Number(process.hrtime.bigint() - started) / 1e6);
  }
  return fastest;
}
