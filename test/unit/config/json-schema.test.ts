import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { configJsonSchema } from "../../../src/config/json-schema.js";
import { CONFIG_SCHEMA_FILE, configSchemaFileText } from "../../../scripts/write-config-schema.js";

test("schema/proxytrust.config.schema.json is generated from the zod schema and up to date (node --import tsx scripts/write-config-schema.ts)", async () => {
  assert.equal(readFileSync(CONFIG_SCHEMA_FILE, "utf8"), await configSchemaFileText());
});

test("the JSON Schema describes the keys the loader accepts, and no others", () => {
  const schema = JSON.parse(configJsonSchema()) as {
    additionalProperties: boolean;
    properties: Record<string, { items?: { anyOf?: { properties?: Record<string, unknown> }[] } }>;
  };
  assert.equal(schema.additionalProperties, false);
  assert.deepEqual(Object.keys(schema.properties).sort(), [
    "$schema",
    "concurrency",
    "defaults",
    "failOn",
    "perHost",
    "perHostDelay",
    "suppressions",
    "targets",
  ]);
  const targetObject = schema.properties.targets?.items?.anyOf?.find((option) => option.properties);
  assert.ok(
    targetObject?.properties && "url" in targetObject.properties && "connectTo" in targetObject.properties,
  );
});
