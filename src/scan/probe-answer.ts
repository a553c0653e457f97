/**
 * Reading the probe middleware's JSON answer (python/proxytrust_probe.py, docs/probe.md):
 * Django's own view of a request, which makes the scheme, host and client-address clauses definitive.
 */
import { z } from "zod";
import type { Captured } from "./evidence.js";

export const PROBE_TOKEN_HEADER = "X-Proxytrust-Token";
export const DEFAULT_PROBE_PATH = "/.well-known/proxytrust";

const ProbeAnswer = z.object({
  probe_version: z.number(),
  scheme: z.enum(["http", "https"]).nullable(),
  host: z.string().nullable(),
  host_error: z.string().nullable(),
  remote_addr: z.string().nullable(),
  headers: z.record(z.string(), z.string()),
});

export type ProbeAnswer = z.infer<typeof ProbeAnswer>;

/** The answer when the probe itself answered (200 JSON of the documented shape), else undefined. */
export function probeAnswer(captured: Captured | undefined): ProbeAnswer | undefined {
  const response = captured?.response;
  if (!response || response.status !== 200) return undefined;
  try {
    const parsed = ProbeAnswer.safeParse(JSON.parse(response.body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
