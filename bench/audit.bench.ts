/** Parse + audit of generated nginx configs of growing size, and how the time grows. */
import { benchNginx } from "./nginx-config.js";

const SIZES = [100, 1_000, 10_000];
benchNginx(SIZES[0] as number); // warm-up: JIT and module loading out of the first figure
let previous: { servers: number; ms: number } | undefined;
for (const servers of SIZES) {
  const r = benchNginx(servers);
  const ms = r.parseMs + r.auditMs;
  const growth = previous
    ? `, x${(ms / previous.ms).toFixed(1)} time for x${servers / previous.servers} servers`
    : "";
  console.log(
    `audit nginx ${servers} server blocks (${(r.bytes / 1e6).toFixed(1)} MB): parse ${r.parseMs.toFixed(0)} ms + rules ${r.auditMs.toFixed(0)} ms = ${ms.toFixed(0)} ms${growth}`,
  );
  previous = { servers, ms };
}
