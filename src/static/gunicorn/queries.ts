/** What gunicorn's config says once its defaults are filled in: the values a setting can take, where gunicorn listens. */
import { GUNICORN_DEFAULTS } from "./defaults.js";
import type { GunicornConfig, GunicornSetting } from "./model.js";

/** Known values of a setting, or the default when the config leaves it out. */
export function knownValues<T>(setting: GunicornSetting<T> | undefined, fallback: T): T[] {
  if (!setting) return [fallback];
  return setting.values.flatMap((v) => (v.kind === "known" ? [v.value] : []));
}

/** The addresses gunicorn listens on: the known values of bind, or its default. */
export function bindAddresses(config: GunicornConfig): string[] {
  return knownValues(config.bind, [...GUNICORN_DEFAULTS.bind]).flat();
}
