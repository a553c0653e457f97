import { createServer } from "node:net";

function bindAndRelease(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen({ host: address, port: 0 }, () => {
      const bound = server.address();
      server.close(() => {
        if (bound && typeof bound === "object") resolve(bound.port);
        else reject(new Error(`no port bound on ${address}`));
      });
    });
  });
}

/** Ports already given out, by "address port": the kernel may offer a port again once it is released. */
const givenOut = new Set<string>();

/**
 * Asks the kernel for a port that is free on `address` right now (bind to port 0, then release it),
 * never one this process was given before: two listeners of one stack must not get the same port.
 */
export async function freePort(address: string): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await bindAndRelease(address);
    const key = `${address} ${port}`;
    if (givenOut.has(key)) continue;
    givenOut.add(key);
    return port;
  }
  throw new Error(`no new free port on ${address}`);
}

function randomInt(min: number, max: number): number {
  return min + Math.floor(Math.random() * (max - min + 1));
}

/** The three loopback addresses of one stack. */
export interface StackAddresses {
  /** Where the proxy listens. */
  proxy: string;
  /** Where gunicorn listens, when on TCP. */
  origin: string;
  /** Where the proxy connects from when gunicorn must tell it apart from other local clients. */
  proxySource: string;
}

/**
 * Picks three consecutive addresses 127.X.Y.Z..Z+2 with random X, Y, Z (never 127.0.x.x), so stacks
 * started in parallel, even by different processes, do not share addresses. Each is bind-tested.
 */
export async function randomStackAddresses(): Promise<StackAddresses> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const prefix = `127.${randomInt(1, 254)}.${randomInt(0, 255)}`;
    const first = randomInt(1, 252);
    const [proxy, origin, proxySource] = [0, 1, 2].map((i) => `${prefix}.${first + i}`) as [
      string,
      string,
      string,
    ];
    try {
      // Only a bind test: the port is released and nobody will listen on it, so it is not recorded as given out.
      await Promise.all([proxy, origin, proxySource].map(bindAndRelease));
      return { proxy, origin, proxySource };
    } catch {
      // Taken or not bindable: try another block.
    }
  }
  throw new Error("could not find free loopback addresses");
}
