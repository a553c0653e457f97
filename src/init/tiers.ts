/** The tier in front of the proxy (--behind): whose headers are believed, and only from where. */
import type { OuterTier } from "./model.js";

export interface TierTrust {
  /** Shown beside the ranges in every generated file. */
  title: string;
  /** The header carrying the real client address, set by the tier. */
  clientAddressHeader: string;
  ranges: readonly string[];
  /** Why these ranges, and what the user must do about them; one comment line each. */
  notes: readonly string[];
}

/** Cloudflare's published ranges, as listed at https://www.cloudflare.com/ips/ as of January 2025. */
const CLOUDFLARE_RANGES = [
  "173.245.48.0/20",
  "103.21.244.0/22",
  "103.22.200.0/22",
  "103.31.4.0/22",
  "141.101.64.0/18",
  "108.162.192.0/18",
  "190.93.240.0/20",
  "188.114.96.0/20",
  "197.234.240.0/22",
  "198.41.128.0/17",
  "162.158.0.0/15",
  "104.16.0.0/13",
  "104.24.0.0/14",
  "172.64.0.0/13",
  "131.0.72.0/22",
  "2400:cb00::/32",
  "2606:4700::/32",
  "2803:f800::/32",
  "2405:b500::/32",
  "2405:8100::/32",
  "2a06:98c0::/29",
  "2c0f:f248::/32",
];

/** A placeholder the user must replace: an ALB connects from addresses inside the VPC's own range. */
export const VPC_RANGE_PLACEHOLDER = "10.0.0.0/16";

export const TIERS: Record<OuterTier, TierTrust> = {
  alb: {
    title: "AWS Application Load Balancer",
    clientAddressHeader: "X-Forwarded-For",
    ranges: [VPC_RANGE_PLACEHOLDER],
    notes: [
      `REPLACE ${VPC_RANGE_PLACEHOLDER} with your VPC's CIDR: the ALB's nodes connect from addresses inside it,`,
      "and only a peer in that range may tell us the client's address (the ALB appends it to X-Forwarded-For).",
      "Forward HTTPS to this proxy (an HTTPS target group) and let the ALB's HTTP listener redirect to HTTPS,",
      "so the scheme this proxy sees is the client's and no ALB scheme header needs to be believed.",
    ],
  },
  cloudflare: {
    title: "Cloudflare",
    clientAddressHeader: "CF-Connecting-IP",
    ranges: CLOUDFLARE_RANGES,
    notes: [
      "Cloudflare's published ranges as of January 2025; only a peer in them may name the client (CF-Connecting-IP).",
      "Refresh them from https://www.cloudflare.com/ips-v4 and https://www.cloudflare.com/ips-v6 (they change rarely).",
      "Use SSL/TLS mode Full (strict): in Flexible mode Cloudflare reaches this proxy over plain HTTP and every",
      "request is redirected back to HTTPS in a loop.",
    ],
  },
};
