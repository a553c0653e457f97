import type { LiveCheck } from "./check.js";

/** Only the app itself knows which address it took as the client's. */
export const clientIpCheck: LiveCheck = {
  clause: "client-ip",
  severity: "medium",
  judge() {
    return {
      status: "skip",
      summary:
        "the client address the app uses cannot be seen from outside; install the probe middleware and pass --probe-token",
      evidence: [],
    };
  },
};
