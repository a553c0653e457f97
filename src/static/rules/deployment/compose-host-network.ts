/** A Compose service running Django on the host's own network, its app server listening beyond loopback. */
import { clause } from "../../../clauses.js";
import { proxyServiceOf } from "../../compose/model.js";
import { classifyHost, hostOfAddress } from "../../gunicorn/addresses.js";
import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";

/** A bind other hosts can reach: every interface, or an address of the host's own. */
const reachable = (bind: string) =>
  ["all-interfaces", "private", "public"].includes(classifyHost(hostOfAddress(bind)));

export const composeHostNetwork: StaticRule = {
  meta: {
    id: "compose-host-network",
    clause: "origin-exposure",
    severity: "high",
    title: "The Django container shares the host's network and listens beyond loopback",
    explanation:
      "With network_mode: host the container has no network of its own: the app server's bind is a bind on the host's interfaces, where no ports entry or Docker network stands between it and the world. Bound to 0.0.0.0, it answers anyone who can reach the host, around the proxy service, and believes the X-Forwarded-Proto and Host they send.",
    fix: {
      compose:
        "Bind the app server to loopback (gunicorn -b 127.0.0.1:8000, uvicorn --host 127.0.0.1) or a unix socket the proxy shares, or drop network_mode: host and let the proxy reach the service by name on the Compose network.",
      gunicorn: clause("origin-exposure").fix.gunicorn,
    },
  },
  check(input: AuditInput): RuleFinding[] {
    return (input.compose ?? []).flatMap((project) => {
      const proxy = proxyServiceOf(project);
      if (!proxy) return [];
      return project.services.flatMap((service) => {
        const mode = service.networkMode;
        if (!service.djangoApp || mode?.value !== "host") return [];
        return service.listening.flatMap((listening): RuleFinding[] => {
          const open = listening.binds.filter(reachable);
          if (open.length === 0) return [];
          return [
            {
              status: "fail",
              message: `service ${service.name} (${service.djangoApp}) runs on the host's network (network_mode: host) and ${listening.server} binds ${open.join(", ")}, so clients reach it on the host's interfaces, skipping ${proxy}`,
              location: { file: mode.file, line: mode.line },
            },
          ];
        });
      });
    });
  },
};
