/** Computes a derived view of a parsed configuration once; rules ask for the same views many times. */
export function perConfig<Config extends object, T>(compute: (config: Config) => T): (config: Config) => T {
  const cache = new WeakMap<Config, T>();
  return (config) => {
    if (!cache.has(config)) cache.set(config, compute(config));
    return cache.get(config)!;
  };
}
