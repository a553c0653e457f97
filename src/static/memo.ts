/** Computes a derived view of a parsed configuration once; rules ask for the same views many times. */
export function perConfig<Config extends object, T>(compute: (config: Config) => T): (config: Config) => T {
  const cache = new WeakMap<Config, T>();
  return (config) => {
    if (!cache.has(config)) cache.set(config, compute(config));
    return cache.get(config)!;
  };
}

/**
 * perConfig for views that also depend on a few facts from outside the configuration (where the app
 * server listens, say), written as a string: one result per configuration and key.
 */
export function perConfigAndKey<Config extends object, T>(
  compute: (config: Config, key: string) => T,
): (config: Config, key: string) => T {
  const cache = new WeakMap<Config, Map<string, T>>();
  return (config, key) => {
    let byKey = cache.get(config);
    if (!byKey) cache.set(config, (byKey = new Map()));
    if (!byKey.has(key)) byKey.set(key, compute(config, key));
    return byKey.get(key)!;
  };
}
