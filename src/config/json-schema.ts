/** The config file's JSON Schema, for editors: generated from the zod schema, never written by hand. */
import { z } from "zod";
import { configSchema } from "./schema.js";

export function configJsonSchema(): string {
  const schema = {
    ...z.toJSONSchema(configSchema, { io: "input" }),
    title: "proxytrust.config.json",
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}
