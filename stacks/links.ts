/**
 * Stacks for the links between a load balancer, the proxy and the app: a PROXY protocol listener
 * (believing only the load balancer, or anyone) and mutual TLS between proxy and origin.
 */
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
