import type { StaticRule } from "../../rule.js";
import { appServerTrustsAnyPeer } from "./trusts-any-peer.js";
import { waitressUntrustedHeadersKept } from "./waitress-untrusted-headers-kept.js";

/** Rules about uvicorn, daphne, uWSGI and waitress on their own (gunicorn has ../gunicorn/). */
export const appServerRules: StaticRule[] = [appServerTrustsAnyPeer, waitressUntrustedHeadersKept];
