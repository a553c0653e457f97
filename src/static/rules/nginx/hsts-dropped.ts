import type { StaticRule } from "../../rule.js";
import { droppedResponseHeaders } from "../../nginx/routes.js";
import { serverBlocks } from "../../nginx/servers.js";
import { finding, HSTS_HEADER } from "./shared.js";

export const hstsDropped: StaticRule = {
  meta: {
    id: "nginx-hsts-dropped",
    clause: "hsts",
    severity: "medium",
    title: "A block's own add_header drops the inherited HSTS header",
    explanation:
      "add_header is inherited only by blocks that have no add_header of their own. A location (or if) that adds any header, say Cache-Control, silently stops sending the Strict-Transport-Security set at server or http level, so responses from that location carry no HSTS.",
    fix: {
      nginx:
        'Repeat add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always; in every block that has its own add_header (or keep shared headers in one include file used by each block).',
    },
  },
  check(input) {
    if (!input.nginx) return [];
    const tlsServers = new Set(
      serverBlocks(input.nginx)
        .filter((s) => s.tls)
        .map((s) => s.directive),
    );
    return droppedResponseHeaders(input.nginx.root)
      .filter(({ dropped }) => dropped.includes(HSTS_HEADER))
      .filter(({ scope }) => {
        const server = scope.path.find((block) => block.name === "server");
        return server === undefined || tlsServers.has(server);
      })
      .map(({ block }) =>
        finding(
          "fail",
          `${block.name} ${block.args.join(" ")} has its own add_header lines, so the Strict-Transport-Security set around it is not sent for its responses.`,
          block,
        ),
      );
  },
};
