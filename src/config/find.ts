/**
 * Where proxytrust.config.json is. Apart from load.ts so that commands can look for the file
 * without loading the schema validator, which costs start-up time when there is no file.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

const CONFIG_FILE_NAME = "proxytrust.config.json";

/** The nearest proxytrust.config.json in `startDir` or a directory above it. */
export function findConfigFile(startDir: string): string | undefined {
  for (let dir = resolve(startDir); ; dir = dirname(dir)) {
    const candidate = join(dir, CONFIG_FILE_NAME);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}
