/** Client-sent forwarding headers that reached Django, one result per header. */
import {
  countsByPrefix,
  examplesByPrefix,
  headerName,
  recordExchange,
  type ClientHeader,
  type Traffic,
} from "../traffic.js";
import type { LogCheck, LogJudgement } from "./check.js";

const SIGNS: Record<ClientHeader["sign"], string> = {
  "sometimes-absent": "the proxy does not send it on every request, so clients did",
  "extra-entries": "it carries more entries than the proxy adds, so a client's value came first",
};

function judge(traffic: Traffic): LogJudgement[] {
  const byHeader = new Map<string, ClientHeader[]>();
  const unread = new Set<string>();
  for (const found of traffic.clientHeaders) {
    if (!found.family) unread.add(headerName(found.key));
    else if (byHeader.has(found.key)) byHeader.get(found.key)!.push(found);
    else byHeader.set(found.key, [found]);
  }
  if (!byHeader.size) {
    const aside = unread.size
      ? `; clients' ${[...unread].join(", ")} reached it too, which neither Django nor the usual app servers read`
      : "";
    return [
      {
        status: "pass",
        summary: `no client-sent forwarding header that Django or the app server reads reached Django in ${traffic.records.length} requests from ${traffic.peers.size} address(es)${aside}`,
        evidence: traffic.records
          .slice(0, 1)
          .map((r) => recordExchange(r, "forwarding headers as the proxy set them")),
        line: traffic.records[0]?.line,
      },
    ];
  }
  return [...byHeader.entries()].map(([key, found]): LogJudgement => {
    const records = found.map((f) => f.record);
    const family = found[0]!.family!;
    const name = headerName(key);
    return {
      id: `log-client-${name.toLowerCase()}`,
      clause: family,
      // A client's address in the app's logs misleads; a client's scheme or host changes what Django does.
      status: family === "client-ip" ? "warn" : "fail",
      summary:
        `${name} from clients reached Django on ${records.length} of ${traffic.records.length} requests ` +
        `(${SIGNS[found[0]!.sign]}): by path, ${countsByPrefix(records)}`,
      evidence: examplesByPrefix(records).map((r) => recordExchange(r, `client-sent ${name}`)),
      line: records[0]!.line,
    };
  });
}

export const clientHeadersCheck: LogCheck = {
  id: "log-client-headers",
  clause: "spoofed-proto",
  severity: "high",
  title: "Client forwarding headers stop at the proxy",
  judge,
};
