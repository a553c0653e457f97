/**
 * Loaded into every CLI the tests run: tests may only reach loopback addresses, so a host name
 * that is not mapped by --connect-to/--resolve must never go to the machine's DNS resolver.
 * The lookup is refused (the probe fails) and the name is written where runCli looks for it.
 */
import dns from "node:dns";
import { appendFileSync } from "node:fs";
import { isIP } from "node:net";

const log = process.env.PROXYTRUST_TEST_LOOKUPS;
const lookup = dns.lookup;

function guardedLookup(hostname: string, ...rest: unknown[]): void {
  const callback = rest[rest.length - 1] as (err: Error | null) => void;
  if (isIP(hostname) || hostname === "localhost") {
    (lookup as (...args: unknown[]) => void)(hostname, ...rest);
    return;
  }
  if (log) appendFileSync(log, `${hostname}\n`);
  process.nextTick(() =>
    callback(Object.assign(new Error(`lookup of ${hostname} refused in tests`), { code: "ENOTFOUND" })),
  );
}

dns.lookup = guardedLookup as typeof dns.lookup;
