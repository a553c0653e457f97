/** Requests sent through a running stack the way a browser's quick succession of form posts arrives. */
import { Agent, request } from "node:https";
import type { SiteAddress } from "../../stacks/readiness.js";

/** Sends `count` POSTs one after another on one kept-alive connection; resolves to their statuses. */
export async function postsInARow(site: SiteAddress, path: string, count: number): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const statuses: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      statuses.push(
        await new Promise<number>((resolve, reject) => {
          const body = "note=hello";
          const req = request({
            agent,
            host: site.host,
            port: site.httpsPort,
            servername: site.servername,
            ca: site.ca,
            method: "POST",
            path,
            headers: {
              host: site.servername,
              "content-type": "application/x-www-form-urlencoded",
              "content-length": Buffer.byteLength(body),
            },
          });
          req.on("response", (res) => {
            res.resume();
            res.on("end", () => resolve(res.statusCode ?? 0));
          });
          req.on("error", reject);
          req.end(body);
        }),
      );
    }
  } finally {
    agent.destroy();
  }
  return statuses;
}
