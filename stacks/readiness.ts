import { request as httpRequest, type RequestOptions } from "node:http";
import { request as httpsRequest, type RequestOptions as HttpsRequestOptions } from "node:https";
import { setTimeout as delay } from "node:timers/promises";
import type { ManagedProcess } from "./processes.js";
import type { Upstream } from "./types.js";

type Send = typeof httpRequest | typeof httpsRequest;

function answers(send: Send, options: HttpsRequestOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = send({ ...options, agent: false, timeout: 1_000 }, (res) => {
      res.resume();
      resolve();
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
    req.end();
  });
}

/** Resolves once the server answers with an HTTP response, whatever its status. */
export const answersHttp = (options: RequestOptions): Promise<void> => answers(httpRequest, options);
export const answersHttps = (options: HttpsRequestOptions): Promise<void> => answers(httpsRequest, options);

/**
 * Polls `probe` until it succeeds. Fails early when one of `watched` exits, and after `timeoutMs`,
 * with the last probe error.
 */
export async function waitUntil(
  what: string,
  probe: () => Promise<void>,
  watched: ManagedProcess[],
  timeoutMs: number,
): Promise<void> {
  const died = Promise.race(
    watched.map(async (p) => {
      throw new Error(`${p.name} ${await p.exited} while waiting for ${what}`);
    }),
  );
  died.catch(() => {}); // only observed through the race below
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const failure = await Promise.race([
      probe().then(
        () => undefined,
        (error: Error) => error,
      ),
      died,
    ]);
    if (failure === undefined) return;
    if (Date.now() > deadline)
      throw new Error(`${what} did not answer within ${timeoutMs} ms: ${failure.message}`);
    await Promise.race([delay(50), died]);
  }
}

/** The app server answers `path` itself, on its TCP address or its unix socket. */
export function upstreamAnswers(
  upstream: Upstream,
  path: string,
  headers: Record<string, string>,
): Promise<void> {
  return upstream.kind === "unix"
    ? answersHttp({ socketPath: upstream.path, path, headers })
    : answersHttp({ host: upstream.host, port: upstream.port, path, headers });
}

export interface SiteAddress {
  host: string;
  httpPort: number;
  httpsPort: number;
  /** PEM of the CA that signed the site's certificate, and the name it is for. */
  ca: string;
  servername: string;
}

/** The proxy answers `path` on both its plain-HTTP and its TLS port. */
export async function siteAnswers(
  site: SiteAddress,
  path: string,
  headers: Record<string, string>,
): Promise<void> {
  await answersHttp({ host: site.host, port: site.httpPort, path, headers });
  await answersHttps({
    host: site.host,
    port: site.httpsPort,
    ca: site.ca,
    servername: site.servername,
    path,
    headers,
  });
}
