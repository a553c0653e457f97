/** What the gunicorn rules share: the values a setting can take, where it is written, where gunicorn listens. */
import { classifyHost, hostOfAddress } from "../../gunicorn/addresses.js";
import { GUNICORN_DEFAULTS } from "../../gunicorn/defaults.js";
import type { GunicornConfig, GunicornSetting } from "../../gunicorn/model.js";
import type { AuditInput, RuleFinding } from "../../rule.js";

/** Known values of a setting, or the default when the config leaves it out. */
export function knownValues<T>(setting: GunicornSetting<T> | undefined, fallback: T): T[] {
  if (!setting) return [fallback];
  return setting.values.flatMap((v) => (v.kind === "known" ? [v.value] : []));
}

/** The setting's line, or the top of the config when the setting is left at its default. */
export function where(config: GunicornConfig, setting: GunicornSetting<unknown> | undefined) {
  return { file: setting?.file ?? config.file, line: setting?.line ?? 1 };
}

export const isLocalOnly = (address: string) =>
  ["loopback", "unix"].includes(classifyHost(hostOfAddress(address)));

export function bindAddresses(config: GunicornConfig): string[] {
  return knownValues(config.bind, [...GUNICORN_DEFAULTS.bind]).flat();
}

/** One warning at the certfile line, when certfile holds a known value: gunicorn terminates TLS itself. */
export function warnAtCertfile(input: AuditInput, message: string): RuleFinding[] {
  const certfile = input.gunicorn?.certfile;
  if (!certfile?.values.some((v) => v.kind === "known")) return [];
  return [{ status: "warn", message, location: { file: certfile.file, line: certfile.line } }];
}
