import type { StaticRule } from "../../rule.js";
import { inheritedValue, walkDirectives } from "../../nginx/scope.js";
import { serverBlocks } from "../../nginx/servers.js";
import { finding } from "./shared.js";
import { describeServer } from "../../nginx/app-routes.js";

/** Whether any directive under `root` reads the verification result, e.g. `if ($ssl_client_verify != SUCCESS)`. */
function readsVerification(root: Parameters<typeof walkDirectives>[0]): boolean {
  let found = false;
  walkDirectives(root, (directive) => {
    if (directive.args.some((arg) => arg.includes("$ssl_client_verify"))) found = true;
  });
  return found;
}

export const clientCertOptional: StaticRule = {
  meta: {
    id: "nginx-client-cert-optional",
    clause: "origin-exposure",
    severity: "high",
    title: "The origin asks for the proxy's client certificate but lets clients without one through",
    explanation:
      "An origin that only the proxy should reach can demand the proxy's client certificate (ssl_verify_client on). With optional or optional_no_ca, nginx completes the handshake without a valid certificate and serves the request unless the configuration itself refuses when $ssl_client_verify is not SUCCESS; anyone who reaches the origin then goes around the proxy.",
    fix: {
      nginx:
        "ssl_client_certificate /etc/nginx/proxy-ca.pem;\nssl_verify_client on;  # or, with optional: if ($ssl_client_verify != SUCCESS) { return 403; }",
    },
  },
  check(input) {
    const config = input.nginx;
    if (!config) return [];
    const findings = serverBlocks(config).flatMap((server) => {
      const verify = inheritedValue(server.scope, "ssl_verify_client");
      const mode = verify?.args[0]?.toLowerCase();
      if (!verify || (mode !== "optional" && mode !== "optional_no_ca")) return [];
      return [
        finding(
          "fail",
          `The ${describeServer(server)} has ssl_verify_client ${mode} and never checks $ssl_client_verify: a client without a valid certificate is served like the proxy.`,
          verify,
        ),
      ];
    });
    // Reading every directive's arguments is the costly part: only done when there is something to excuse.
    return findings.length === 0 || readsVerification(config.root) ? [] : findings;
  },
};
