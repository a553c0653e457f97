/** What the app-server rules share: where a server listens, and how a finding points at its options. */
import type { AppServerConfig, Setting } from "../../appserver/model.js";
import { classifyHost, hostOfAddress } from "../../gunicorn/addresses.js";
import type { RuleFinding } from "../../rule.js";

/** Binds a stranger may reach: not loopback, not a unix socket, not a socket handed over by fd. */
export function reachableBinds(server: AppServerConfig): string[] {
  return server.binds.value.filter(
    (bind) => !bind.startsWith("fd://") && !["loopback", "unix"].includes(classifyHost(hostOfAddress(bind))),
  );
}

export function at(setting: Setting<unknown>): RuleFinding["location"] {
  return { file: setting.file, line: setting.line };
}

/** "--forwarded-allow-ips '*'" or "its default". */
export function spelled(setting: Setting<unknown>, value: string): string {
  return setting.option === "default" ? `its default ${value}` : `${setting.option} ${value}`;
}
