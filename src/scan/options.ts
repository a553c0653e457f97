import type { ProxyKind } from "../clauses.js";
import type { HeaderList } from "../report/model.js";
import type { ConnectMapping } from "../transport/mapping.js";
import { DEFAULT_PROBE_PATH } from "./probe-answer.js";

export interface ScanOptions {
  mappings: ConnectMapping[];
  ca?: string;
  insecure: boolean;
  timeoutMs: number;
  /** Deadline for the whole scan; probes still running then are reported as errors. */
  maxTimeMs: number;
  headers: HeaderList;
  cookiePath?: string;
  csrfPath?: string;
  csrfPost?: string;
  healthPaths: string[];
  origin?: URL;
  proxy?: ProxyKind;
  /** The probe middleware's token; its answers make scheme, host and client-ip definitive. */
  probeToken?: string;
  probePath: string;
  concurrency: number;
}

export const DEFAULT_SCAN_OPTIONS: ScanOptions = {
  mappings: [],
  insecure: false,
  timeoutMs: 10_000,
  maxTimeMs: 60_000,
  headers: [],
  healthPaths: [],
  probePath: DEFAULT_PROBE_PATH,
  concurrency: 16,
};
