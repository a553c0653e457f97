/** Requests sent through a running stack the way a browser's quick succession of form posts arrives. */
import { readFileSync } from "node:fs";
import { Agent, request } from "node:https";
import { connectAddress, parseConnectTo } from "../../src/transport/mapping.js";

/** The site's address, port and CA, read from a stack's scan arguments (URL, --connect-to, --cacert). */
function siteFromScanArgs(args: string[]): { host: string; address: string; port: number; ca: Buffer } {
  const url = new URL(args[0]!);
  const mappings = args.flatMap((arg, i) => (args[i - 1] === "--connect-to" ? [parseConnectTo(arg)] : []));
  const { host: address, port } = connectAddress(url.hostname, 443, mappings);
  const caPath = args[args.indexOf("--cacert") + 1];
  if (!caPath) throw new Error(`no --cacert in ${args.join(" ")}`);
  return { host: url.hostname, address, port, ca: readFileSync(caPath) };
}

/** Sends `count` POSTs one after another on one kept-alive connection; resolves to their statuses. */
export async function postsInARow(scanArgs: string[], path: string, count: number): Promise<number[]> {
  const site = siteFromScanArgs(scanArgs);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const statuses: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      statuses.push(
        await new Promise<number>((resolve, reject) => {
          const body = "note=hello";
          const req = request({
            agent,
            host: site.address,
            port: site.port,
            servername: site.host,
            ca: site.ca,
            method: "POST",
            path,
            headers: {
              host: site.host,
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
