/** Writes schema/proxytrust.config.schema.json from the config file's zod schema, formatted as the repo is. */
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import prettier from "prettier";
import { configJsonSchema } from "../src/config/json-schema.js";

export const CONFIG_SCHEMA_FILE = new URL("../schema/proxytrust.config.schema.json", import.meta.url);

export async function configSchemaFileText(): Promise<string> {
  const path = fileURLToPath(CONFIG_SCHEMA_FILE);
  const options = await prettier.resolveConfig(path);
  return prettier.format(configJsonSchema(), { ...options, filepath: path });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  mkdirSync(new URL(".", CONFIG_SCHEMA_FILE), { recursive: true });
  writeFileSync(CONFIG_SCHEMA_FILE, await configSchemaFileText());
}
