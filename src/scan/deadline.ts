/** A scan's deadline: its own time limit, or the caller's stop signal, whichever comes first. */
import { setMaxListeners } from "node:events";

export interface Deadline {
  signal: AbortSignal;
  /** Called when the scan is over: nothing of this scan stays attached to the stop signal or the timers. */
  release: () => void;
}

/**
 * Not `AbortSignal.any([AbortSignal.timeout(ms), stop])`: on Node 20 each such call leaves an entry in
 * `stop` for as long as `stop` lives, and a fleet's stop signal lives for every one of its targets.
 * The abort reason on timeout is the TimeoutError that `AbortSignal.timeout` would give.
 */
export function scanDeadline(maxTimeMs: number, stop: AbortSignal | undefined, listeners: number): Deadline {
  const controller = new AbortController();
  // Every in-flight probe listens for the deadline.
  setMaxListeners(listeners, controller.signal);
  const timer = setTimeout(
    () => controller.abort(new DOMException("The scan's time limit was reached", "TimeoutError")),
    maxTimeMs,
  );
  const onStop = () => controller.abort(stop?.reason);
  if (stop?.aborted) onStop();
  else stop?.addEventListener("abort", onStop, { once: true });
  return {
    signal: controller.signal,
    release: () => {
      clearTimeout(timer);
      stop?.removeEventListener("abort", onStop);
    },
  };
}
