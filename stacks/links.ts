/**
 * Stacks for the links between a load balancer, the proxy and the app: a PROXY protocol listener
 * (believing only the load balancer, or anyone) and mutual TLS between proxy and origin.
 */
import { issueCertificates } from "./certs.js";
import { startStack, type RunningStack } from "./index.js";

export type ProxyProtocolTrust = "load-balancer" | "anyone";

const PROXY_PROTOCOL_TEMPLATES = {
  nginx: { "load-balancer": "nginx-proxy-protocol.conf", anyone: "nginx-proxy-protocol-open.conf" },
  haproxy: { "load-balancer": "haproxy-proxy-protocol.cfg", anyone: "haproxy-proxy-protocol-open.cfg" },
} as const;

export interface ProxyProtocolStack extends RunningStack {
  /** The TLS listener that expects a PROXY header first. */
  proxyProtocolPort: number;
  /** The only peer the "load-balancer" configurations take PROXY headers from. */
  loadBalancerAddress: string;
}

/** The healthy stack plus a TLS listener behind a PROXY protocol header, on PROXY_PROTOCOL_PORT. */
export async function startProxyProtocolStack(
  proxy: keyof typeof PROXY_PROTOCOL_TEMPLATES,
  trust: ProxyProtocolTrust,
): Promise<ProxyProtocolStack> {
  const stack = await startStack({
    proxy,
    variant: "healthy",
    custom: { template: `links/${PROXY_PROTOCOL_TEMPLATES[proxy][trust]}`, ports: ["PROXY_PROTOCOL_PORT"] },
  });
  return {
    ...stack,
    proxyProtocolPort: Number(stack.templateValues.PROXY_PROTOCOL_PORT),
    loadBalancerAddress: stack.sourceAddress,
  };
}

export interface MtlsStack extends RunningStack {
  /** The origin server's own address, https, asking for a client certificate. */
  originHttpsUrl: string;
  /** The certificate the proxy presents to the origin, signed by the stack's CA. */
  proxyClientCert: string;
  proxyClientKey: string;
}

/**
 * nginx in front of an nginx origin over mutual TLS. "on" demands a certificate from the stack's CA;
 * "optional" (the mistake) lets clients without one through.
 */
export async function startMtlsStack(verifyClient: "on" | "optional"): Promise<MtlsStack> {
  const stack = await startStack({
    proxy: "nginx",
    variant: "healthy",
    custom: {
      template: "links/nginx-mtls.conf",
      ports: ["ORIGIN_PORT"],
      prepare: async (workDir, certs) => {
        const client = await issueCertificates(workDir, ["proxy.app.test"], "client");
        return {
          PROXY_CLIENT_CERT: client.certPath,
          PROXY_CLIENT_KEY: client.keyPath,
          CA_CERT: certs.caCertPath,
          VERIFY_CLIENT: verifyClient,
        };
      },
    },
  });
  return {
    ...stack,
    originHttpsUrl: `https://${stack.siteHost}:${stack.templateValues.ORIGIN_PORT}/`,
    proxyClientCert: stack.templateValues.PROXY_CLIENT_CERT!,
    proxyClientKey: stack.templateValues.PROXY_CLIENT_KEY!,
  };
}
