/**
 * Per-host politeness for scans of many targets: every request to a host, from whichever scan,
 * passes through that host's one limiter, which admits at most `perHost` at a time and starts
 * them at least `delayMs` apart.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { RequestGate } from "../scan/options.js";

export interface PolitenessLimits {
  /** Requests in flight to one host at most. */
  perHost: number;
  /** Milliseconds between the starts of two requests to one host. */
  delayMs: number;
}

class HostLimiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** When the latest request started (performance.now() clock), once it has. */
  private lastStartedAt = -Infinity;
  /** Resolves when the request admitted last has started: the next one measures its delay from that. */
  private lastStart: Promise<void> = Promise.resolve();

  constructor(private readonly limits: PolitenessLimits) {}

  /** A request runs or waits. */
  get busy(): boolean {
    return this.running > 0 || this.waiting.length > 0;
  }

  /** Milliseconds until a new request may start; 0 or less once the delay since the last start has passed. */
  get delayLeft(): number {
    return this.lastStartedAt + this.limits.delayMs - performance.now();
  }

  /** Waits until `delayMs` after the previous request really started (a late timer must not shorten the gap). */
  private async spaced(): Promise<void> {
    const previous = this.lastStart;
    let started!: () => void;
    this.lastStart = new Promise<void>((resolve) => (started = resolve));
    await previous;
    const wait = this.lastStartedAt + this.limits.delayMs - performance.now();
    if (wait > 0) await sleep(wait);
    this.lastStartedAt = performance.now();
    started();
  }

  async run<T>(send: () => Promise<T>): Promise<T> {
    // A finishing request hands its slot straight to the first waiter, so newcomers cannot overtake.
    if (this.running >= this.limits.perHost) await new Promise<void>((admit) => this.waiting.push(admit));
    else this.running += 1;
    try {
      if (this.limits.delayMs > 0) await this.spaced();
      return await send();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}

/** One limiter per host name, created on first use and dropped when idle so memory stays flat. */
export class HostLimiterPool {
  private readonly limiters = new Map<string, HostLimiter>();
  /** Limiters a timer will look at again once their delay has passed. */
  private readonly lookingAgain = new WeakSet<HostLimiter>();

  constructor(private readonly limits: PolitenessLimits) {}

  /** Number of hosts with a limiter right now (for tests). */
  get size(): number {
    return this.limiters.size;
  }

  readonly gate: RequestGate = async (url, send) => {
    const host = url.hostname.toLowerCase();
    let limiter = this.limiters.get(host);
    if (!limiter) {
      limiter = new HostLimiter(this.limits);
      this.limiters.set(host, limiter);
    }
    try {
      return await limiter.run(send);
    } finally {
      this.dropWhenIdle(host, limiter);
    }
  };

  /**
   * Forgets a host's limiter once nothing runs or waits there and its delay has passed, when a new
   * limiter would space the next request just as well. Until then a timer looks again: the last
   * request to each host of a fleet would otherwise leave its limiter behind for good.
   */
  private dropWhenIdle(host: string, limiter: HostLimiter): void {
    if (this.limiters.get(host) !== limiter || limiter.busy) return;
    const wait = limiter.delayLeft;
    if (wait <= 0) this.limiters.delete(host);
    else if (!this.lookingAgain.has(limiter)) {
      // One look per limiter, however many of its requests end inside the delay.
      this.lookingAgain.add(limiter);
      setTimeout(() => {
        this.lookingAgain.delete(limiter);
        this.dropWhenIdle(host, limiter);
      }, Math.ceil(wait)).unref(); // unreferenced: it must not keep a finished run's process alive
    }
  }
}
