/** A PROXY protocol header sent to a backend that nothing read says expects one. */
import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";
import { isProxySection, sendsProxyProtocol } from "../../haproxy/queries.js";

export const haproxySendProxyUnexpected: StaticRule = {
  meta: {
    id: "haproxy-send-proxy-unexpected",
    clause: "client-ip",
    severity: "info",
    title: "send-proxy to a backend not known to expect the PROXY protocol",
    explanation:
      "With send-proxy or send-proxy-v2 on a server line, HAProxy writes a PROXY protocol header before each connection's first request. gunicorn reads it only with proxy_protocol = True (and only from proxy_allow_ips); otherwise it takes the header for a malformed request line and answers 400 to everything, and Django itself never reads it. The audit could not see that the app side expects it.",
    fix: {
      haproxy: "Drop send-proxy from the server line and send X-Forwarded-For (option forwardfor) instead,",
      gunicorn:
        "or have gunicorn read it: proxy_protocol = True\nproxy_allow_ips = '<HAProxy's address>'  # and audit with --gunicorn",
    },
  },
  check(input: AuditInput): RuleFinding[] {
    const config = input.haproxy;
    if (!config) return [];
    const proxyProtocol = input.gunicorn?.proxyProtocol;
    if (proxyProtocol?.values.every((v) => v.kind === "known" && v.value)) return [];
    const gunicornSide = input.gunicorn
      ? `${input.gunicorn.file} does not set proxy_protocol = True`
      : "no gunicorn config was given (--gunicorn) to show proxy_protocol = True";
    return config.sections.filter(isProxySection).flatMap((section) =>
      section.directives
        .filter(
          (d) =>
            (d.keyword === "server" || d.keyword === "default-server") && d.args.some(sendsProxyProtocol),
        )
        .map((d) => ({
          status: "warn" as const,
          message: `${d.keyword} ${d.args[0] ?? ""} in ${section.kind} ${section.name ?? ""} sends a PROXY protocol header (${d.args.find(sendsProxyProtocol)}), but ${gunicornSide}: gunicorn would answer 400 to every request`,
          location: { file: d.file, line: d.line },
        })),
    );
  },
};
