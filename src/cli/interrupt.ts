/**
 * SIGINT and SIGTERM during a live command: the first stops every probe at once (the command then
 * writes what it decided, marked incomplete, and exits 130 or 143); a second SIGINT, or a command
 * still running a second later, exits at once.
 */
const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;
type StopSignal = keyof typeof SIGNAL_EXIT;

const GRACE_MS = 1000;

export interface Interruption {
  /** Aborted at the first signal; its reason says which. */
  signal: AbortSignal;
  /** The signal received, once one was. */
  received(): StopSignal | undefined;
  /** The exit code for the signal received. */
  exitCode(): number | undefined;
}

/** Installs the handlers; call once, from a command that can stop cleanly. */
export function onInterrupt(): Interruption {
  const controller = new AbortController();
  let received: StopSignal | undefined;
  const handle = (name: StopSignal) => {
    if (received) process.exit(SIGNAL_EXIT[name]);
    received = name;
    controller.abort(new Error(`interrupted by ${name}`));
    // Whatever still runs after the grace period is not worth waiting for.
    setTimeout(() => process.exit(SIGNAL_EXIT[name]), GRACE_MS).unref();
  };
  for (const name of Object.keys(SIGNAL_EXIT) as StopSignal[]) process.on(name, () => handle(name));
  return {
    signal: controller.signal,
    received: () => received,
    exitCode: () => (received ? SIGNAL_EXIT[received] : undefined),
  };
}
