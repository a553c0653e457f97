/**
 * Kept-alive connections, one pool per scan: handshakes are most of a request's cost on a fast link.
 * At most four connections to an origin; requests beyond wait for one to be free. A new TLS connection
 * costs both ends more CPU than the few requests it would carry, and the site is spared a burst of
 * handshakes. Closed when the scan ends, so a fleet holds no idle sockets between targets.
 */
import type { Socket } from "node:net";

const KEPT_ALIVE_PER_ORIGIN = 4;

export interface Lease {
  socket: Socket;
  /** The connection carried a request before this one: if it turns out closed, that was a race, not an answer. */
  reused: boolean;
}

interface Origin {
  /** Opens a new connection to the origin, with the newest TLS session to resume. */
  open: () => Socket;
  idle: Socket[];
  /** Connections open, idle or carrying a request. */
  count: number;
  /** Requests waiting for a connection; `undefined` when the pool closes first. */
  waiting: ((lease: Lease | undefined) => void)[];
}

/** Where an exchange written and read here gets its connection, and gives it back. */
export interface Connections {
  acquire(key: string, open: () => Socket, signal?: AbortSignal): Promise<Lease | undefined>;
  release(key: string, socket: Socket, reusable: boolean): void;
  readonly closed: boolean;
}

/** A connection of its own for each request, closed after its answer: for probes whose meaning a reused one could change. */
export const ONE_SHOT: Connections = {
  acquire: (_key, open) => {
    const socket = open();
    // A failure before the exchange listens, e.g. during the handshake, is reported by the exchange.
    socket.on("error", () => undefined);
    return Promise.resolve({ socket, reused: false });
  },
  release: (_key, socket) => socket.destroy(),
  closed: false,
};

export class ConnectionPool implements Connections {
  private readonly origins = new Map<string, Origin>();
  private readonly sockets = new Set<Socket>();
  private ended = false;

  /**
   * A connection to the origin `key` names: an idle one, a new one while fewer than four are open,
   * else the next one freed. Undefined when `signal` aborts the wait.
   */
  acquire(key: string, open: () => Socket, signal?: AbortSignal): Promise<Lease | undefined> {
    if (this.ended) return Promise.resolve(undefined);
    let origin = this.origins.get(key);
    if (!origin) this.origins.set(key, (origin = { open, idle: [], count: 0, waiting: [] }));
    origin.open = open;
    const idle = origin.idle.pop();
    if (idle) return Promise.resolve(this.lend(idle, true));
    if (origin.count < KEPT_ALIVE_PER_ORIGIN) return Promise.resolve(this.lend(this.opened(origin), false));
    const queue = origin.waiting;
    return new Promise((resolve) => {
      const onAbort = () => {
        queue.splice(queue.indexOf(served), 1);
        resolve(undefined);
      };
      const served = (lease: Lease | undefined) => {
        signal?.removeEventListener("abort", onAbort);
        resolve(lease);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      queue.push(served);
    });
  }

  /** Gives a connection back after its exchange: kept for the next request if it may carry one, else closed. */
  release(key: string, socket: Socket, reusable: boolean): void {
    const origin = this.origins.get(key);
    if (!origin || !reusable || this.ended || socket.destroyed) {
      socket.destroy();
      return;
    }
    const next = origin.waiting.shift();
    if (next) return next(this.lend(socket, true));
    socket.unref();
    origin.idle.push(socket);
  }

  /** Once the scan is over: no connection is lent or opened again. */
  get closed(): boolean {
    return this.ended;
  }

  close(): void {
    this.ended = true;
    for (const socket of this.sockets) socket.destroy();
    for (const origin of this.origins.values())
      for (const waiter of origin.waiting.splice(0)) waiter(undefined);
  }

  private lend(socket: Socket, reused: boolean): Lease {
    socket.ref();
    return { socket, reused };
  }

  private opened(origin: Origin): Socket {
    const socket = origin.open();
    origin.count += 1;
    this.sockets.add(socket);
    // An idle connection's failure has nobody to report to; an exchange listens for its own.
    socket.on("error", () => undefined);
    socket.once("close", () => {
      this.sockets.delete(socket);
      origin.count -= 1;
      const idle = origin.idle.indexOf(socket);
      if (idle !== -1) origin.idle.splice(idle, 1);
      const next = this.ended ? undefined : origin.waiting.shift();
      if (next) next(this.lend(this.opened(origin), false));
    });
    return socket;
  }
}
