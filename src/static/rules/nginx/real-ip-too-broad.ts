import type { StaticRule } from "../../rule.js";
import { forEachNamed } from "../../nginx/scope.js";
import { finding } from "./shared.js";

/** Narrower than this, a range can still be one provider's; wider, it is most of the internet. */
const MIN_PREFIX = { v4: 8, v6: 24 };

function prefixOf(source: string): { family: "v4" | "v6"; prefix: number } | undefined {
  const [address = "", length] = source.split("/");
  const family = address.includes(":") ? "v6" : /^\d+(\.\d+){3}$/.test(address) ? "v4" : undefined;
  if (!family) return undefined; // unix: or a host name
  const full = family === "v4" ? 32 : 128;
  const prefix = length === undefined ? full : Number(length);
  return Number.isInteger(prefix) ? { family, prefix } : undefined;
}

export const realIpTooBroad: StaticRule = {
  meta: {
    id: "nginx-real-ip-too-broad",
    clause: "client-ip",
    severity: "high",
    title: "set_real_ip_from trusts far more than the proxy in front",
    explanation:
      "set_real_ip_from names the peers whose X-Forwarded-For (or real_ip_header) nginx believes. Trusting 0.0.0.0/0 or another huge range means any client can send X-Forwarded-For: 1.2.3.4 and become 1.2.3.4 in $remote_addr, in logs, in allow/deny and in rate limits, and in the X-Real-IP the app reads.",
    fix: {
      nginx:
        "set_real_ip_from 10.0.0.0/24;  # only the load balancer's own addresses (or your CDN's published ranges)",
    },
  },
  check(input) {
    if (!input.nginx) return [];
    const findings: ReturnType<StaticRule["check"]> = [];
    forEachNamed(input.nginx.root, ["set_real_ip_from"], (directive) => {
      const source = directive.args[0] ?? "";
      const range = prefixOf(source);
      if (!range || range.prefix >= MIN_PREFIX[range.family]) return;
      const size =
        range.prefix === 0
          ? "every address"
          : `2^${(range.family === "v4" ? 32 : 128) - range.prefix} addresses`;
      findings.push(
        finding(
          "fail",
          `set_real_ip_from ${source} trusts ${size}: any client in it can choose the address nginx and the app see.`,
          directive,
        ),
      );
    });
    return findings;
  },
};
