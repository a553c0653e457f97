import type { NginxConfig } from "./model.js";

/** Computes a derived view of a configuration once; rules ask for the same views many times. */
export function perConfig<T>(compute: (config: NginxConfig) => T): (config: NginxConfig) => T {
  const cache = new WeakMap<NginxConfig, T>();
  return (config) => {
    if (!cache.has(config)) cache.set(config, compute(config));
    return cache.get(config)!;
  };
}
