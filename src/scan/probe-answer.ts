/**
 * Reading the probe middleware's JSON answer (python/proxytrust_probe.py, docs/probe.md):
 * Django's own view of a request, which makes the scheme, host and client-address clauses definitive.
 * Checked by hand: six fields do not justify loading a schema library into every scan's start-up.
 */
import type { Captured } from "./evidence.js";

export const PROBE_TOKEN_HEADER = "X-Proxytrust-Token";
export const DEFAULT_PROBE_PATH = "/.well-known/proxytrust";

export interface ProbeAnswer {
  probe_version: number;
  scheme: "http" | "https" | null;
  host: string | null;
  host_error: string | null;
  remote_addr: string | null;
  headers: Record<string, string>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isStringOrNull(value: unknown): value is string | null {
  return value === null || typeof value === "string";
}

/** The documented shape, with only its fields kept; undefined for anything else. */
function asProbeAnswer(raw: unknown): ProbeAnswer | undefined {
  if (!isRecord(raw)) return undefined;
  const { probe_version, scheme, host, host_error, remote_addr, headers } = raw;
  if (typeof probe_version !== "number") return undefined;
  if (scheme !== null && scheme !== "http" && scheme !== "https") return undefined;
  if (!isStringOrNull(host) || !isStringOrNull(host_error) || !isStringOrNull(remote_addr)) return undefined;
  if (!isRecord(headers) || !Object.values(headers).every((value) => typeof value === "string"))
    return undefined;
  return {
    probe_version,
    scheme,
    host,
    host_error,
    remote_addr,
    headers: { ...(headers as Record<string, string>) },
  };
}

/** The answer when the probe itself answered (200 JSON of the documented shape), else undefined. */
export function probeAnswer(captured: Captured | undefined): ProbeAnswer | undefined {
  const response = captured?.response;
  if (!response || response.status !== 200) return undefined;
  try {
    return asProbeAnswer(JSON.parse(response.body));
  } catch {
    return undefined;
  }
}
