/** What the gunicorn rules share: where a setting is written, and which addresses are local. */
import { classifyHost, hostOfAddress } from "../../gunicorn/addresses.js";
import type { GunicornConfig, GunicornSetting } from "../../gunicorn/model.js";
import type { AuditInput, RuleFinding } from "../../rule.js";

/** The setting's line, or the top of the config when the setting is left at its default. */
export function where(config: GunicornConfig, setting: GunicornSetting<unknown> | undefined) {
  return { file: setting?.file ?? config.file, line: setting?.line ?? 1 };
}

export const isLocalOnly = (address: string) =>
  ["loopback", "unix"].includes(classifyHost(hostOfAddress(address)));

/** One warning at the certfile line, when certfile holds a known value: gunicorn terminates TLS itself. */
export function warnAtCertfile(input: AuditInput, message: string): RuleFinding[] {
  const certfile = input.gunicorn?.certfile;
  if (!certfile?.values.some((v) => v.kind === "known")) return [];
  return [{ status: "warn", message, location: { file: certfile.file, line: certfile.line } }];
}
