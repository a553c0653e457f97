import type { ProxyKind } from "../clauses.js";
import type { HeaderList } from "../report/model.js";
import type { ConnectMapping } from "../transport/mapping.js";

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
  concurrency: number;
}

export const DEFAULT_SCAN_OPTIONS: ScanOptions = {
  mappings: [],
  insecure: false,
  timeoutMs: 10_000,
  maxTimeMs: 60_000,
  headers: [],
  healthPaths: [],
  concurrency: 16,
};
