/** A Compose service running Django publishes its port on every interface while a proxy service fronts it. */
import { clause } from "../../../clauses.js";
import { proxyServiceOf, type PublishedPort } from "../../compose/model.js";
import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";

const isLoopback = (host: string) => /^(127\.|\[?::1\]?$|localhost$)/.test(host);

function describe(port: PublishedPort): string {
  const host = port.hostIp ? `${port.hostIp}:` : "";
  return port.published ? `${host}${port.published}:${port.target}` : `${port.target} (a random host port)`;
}

export const composePortPublished: StaticRule = {
  meta: {
    id: "compose-port-published",
    clause: "origin-exposure",
    severity: "high",
    title: "The Django container's port is published around the proxy",
    explanation:
      'A ports entry such as "8000:8000" publishes the app server on every interface of the host (and Docker\'s rules bypass the host firewall), so anyone can send it the X-Forwarded-Proto and Host headers the proxy service was supposed to control.',
    fix: {
      compose:
        'Remove the ports entry of the app service (the proxy reaches it by service name on the Compose network; use expose: ["8000"] to document the port), or publish it on loopback only: "127.0.0.1:8000:8000".',
      gunicorn: clause("origin-exposure").fix.gunicorn,
    },
  },
  check(input: AuditInput): RuleFinding[] {
    return (input.compose ?? []).flatMap((project) => {
      const proxy = proxyServiceOf(project);
      if (!proxy) return [];
      return project.services
        .filter((service) => service.djangoApp)
        .flatMap((service) =>
          service.ports
            .filter((port) => !isLoopback(port.hostIp))
            .map((port): RuleFinding => ({
              status: "fail",
              message: `service ${service.name} (${service.djangoApp}) publishes ${describe(port)} on every interface, so clients can skip ${proxy}`,
              location: { file: port.file, line: port.line },
            })),
        );
    });
  },
};
