import { createServer } from "node:net";

/** Asks the kernel for a port that is free on `address` right now (bind to port 0, then release it). */
export function freePort(address: string): Promise<number> {
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

function randomInt(min: number, max: number): number {
  return min + Math.floor(Math.random() * (max - min + 1));
}

/**
 * Picks `count` consecutive addresses 127.X.Y.Z..Z+count-1 with random X, Y, Z (never 127.0.x.x), so
 * stacks started in parallel, even by different processes, do not share addresses. Each address is
 * bind-tested before use.
 */
export async function randomLoopbackAddresses(count: number): Promise<string[]> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const prefix = `127.${randomInt(1, 254)}.${randomInt(0, 255)}`;
    const first = randomInt(1, 254 - count);
    const addresses = Array.from({ length: count }, (_, i) => `${prefix}.${first + i}`);
    try {
      await Promise.all(addresses.map(freePort));
      return addresses;
    } catch {
      // Taken or not bindable: try another block.
    }
  }
  throw new Error("could not find free loopback addresses");
}
